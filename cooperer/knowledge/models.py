"""Capitalisation and spreading of the method: initiative records (« fiches d'expérience ») with their levers,
obstacles and lessons; the method kit's templates; copies of a proven territory's tools to another (lineage)."""
