"""Service lists (服务清单) that a centre or union publishes, in immutable versions, and the
yearly activity plan (活动清单 / 百场活动清单) with plan against actual."""
