"""Service network (阵地): stations and centres, their opening hours, facilities and rooms, the
finder, visits and feedback. `geo` (datums, distances, coordinate checks) and `hours` (weekly
opening hours with exceptions) are pure helpers the models and services build on."""
