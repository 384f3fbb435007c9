print("chainflow")
