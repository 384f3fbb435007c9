-- Largest clusters by size: the entities the last clustering run found, with how many of
-- their addresses carry tags and which categories.
--
-- Needs a clustering run (`chainflow cluster run`); addresses in no cluster of two or more are not
-- listed. `chainflow cluster show ADDRESS` shows one cluster's members and totals.
--
-- Parameters:
--   :min_size  integer  smallest cluster to list; default 2; e.g. 2
--   :limit     integer  rows to return; default 20; e.g. 10
--
-- Columns:
--   cluster_id       the cluster's id (its smallest address id)
--   cluster_address  the address with that id
--   size             addresses in the cluster
--   tagged_members   members with at least one tag
--   categories       distinct tag categories of its members, separated by `, ` (NULL when none)
WITH sizes AS (
    SELECT cluster_id, COUNT(*) AS size FROM clusters
    GROUP BY cluster_id
    HAVING COUNT(*) >= :min_size
    ORDER BY size DESC, cluster_id
    LIMIT :limit
),
member_tags AS (
    SELECT DISTINCT s.cluster_id, c.address_id, t.category
    FROM sizes s
    JOIN clusters c ON c.cluster_id = s.cluster_id
    JOIN addresses a ON a.id = c.address_id
    JOIN tags t ON t.address = a.address
)
SELECT s.cluster_id, a.address AS cluster_address, s.size,
    (SELECT COUNT(DISTINCT address_id) FROM member_tags m WHERE m.cluster_id = s.cluster_id)
        AS tagged_members,
    (SELECT group_concat(category, ', ') FROM (
        SELECT DISTINCT category FROM member_tags m WHERE m.cluster_id = s.cluster_id
        ORDER BY category)) AS categories
FROM sizes s
JOIN addresses a ON a.id = s.cluster_id
ORDER BY s.size DESC, s.cluster_id
