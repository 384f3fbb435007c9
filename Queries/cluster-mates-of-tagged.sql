-- Addresses sharing a cluster with a tagged one: for every address tagged with a category, the
-- other members of its cluster (the entity the clustering heuristics say controls it).
--
-- Needs a clustering run (`chainflow cluster run`). An address in no cluster of two or more has no
-- mates and gives no rows. `chainflow cluster explain TAGGED MEMBER` shows why two were joined.
--
-- Parameters:
--   :category  text     tag category; e.g. exchange
--   :limit     integer  rows to return; default 1000; e.g. 100
--
-- Columns:
--   tagged_address   the tagged address
--   label            its tag's label
--   cluster_id       the cluster's id (its smallest address id)
--   cluster_address  the cluster's id address
--   cluster_size     addresses in the cluster
--   member           another address of the cluster
--   member_tags      the member's own tags, `category: label` separated by `; ` (NULL when none)
SELECT t.address AS tagged_address, t.label, c.cluster_id, ca.address AS cluster_address,
    (SELECT COUNT(*) FROM clusters x WHERE x.cluster_id = c.cluster_id) AS cluster_size,
    m.address AS member,
    (SELECT group_concat(tag, '; ') FROM (
        SELECT mt.category || ': ' || mt.label AS tag FROM tags mt WHERE mt.address = m.address
        ORDER BY mt.category, mt.label)) AS member_tags
FROM tags t
JOIN addresses ta ON ta.address = t.address
JOIN clusters c ON c.address_id = ta.id
JOIN clusters mc ON mc.cluster_id = c.cluster_id AND mc.address_id <> ta.id
JOIN addresses m ON m.id = mc.address_id
JOIN addresses ca ON ca.id = c.cluster_id
WHERE t.category = :category
ORDER BY c.cluster_id, t.address, t.label, m.id
LIMIT :limit
