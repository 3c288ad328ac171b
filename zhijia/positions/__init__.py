"""Service network (阵地): stations, opening hours, the finder. Pure helpers so far: `geo` (datums,
distances, coordinate validation) and `hours` (weekly opening hours with exceptions)."""
