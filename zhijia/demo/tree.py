"""The demo organisation tree, modelled on the seed articles (shared/seeds)."""

import hashlib

from zhijia.core.validators.uscc import ALPHABET, check_symbol
from zhijia.orgs.enums import OrgLevel as L

# (name, short name, level, division code, children)
TREE = (
    "中华全国总工会",
    "全总",
    L.NATIONAL,
    "100000",
    [
        (
            "广东省总工会",
            "广东省总",
            L.PROVINCE,
            "440000",
            [
                (
                    "深圳市总工会",
                    "深圳市总",
                    L.CITY,
                    "440300",
                    [
                        (
                            "深圳市福田区总工会",
                            "福田区总",
                            L.DISTRICT,
                            "440304",
                            [
                                (
                                    "福田区福保街道总工会",
                                    "福保街道",
                                    L.STREET,
                                    "440304",
                                    [
                                        (
                                            "深圳河套深港科创有限公司工会委员会",
                                            "河套科创工会",
                                            L.GRASSROOTS,
                                            "440304",
                                            [],
                                        ),
                                        (
                                            "深圳福保精密电子有限公司工会委员会",
                                            "福保精密工会",
                                            L.GRASSROOTS,
                                            "440304",
                                            [],
                                        ),
                                        (
                                            "河套深港职工服务中心联合工会",
                                            "河套联合工会",
                                            L.GRASSROOTS,
                                            "440304",
                                            [],
                                        ),
                                    ],
                                ),
                            ],
                        ),
                        (
                            "深圳市宝安区总工会",
                            "宝安区总",
                            L.DISTRICT,
                            "440306",
                            [
                                (
                                    "宝安区西乡街道总工会",
                                    "西乡街道",
                                    L.STREET,
                                    "440306",
                                    [
                                        (
                                            "西乡中心工联会",
                                            "西乡工联会",
                                            L.FEDERATION,
                                            "440306",
                                            [
                                                (
                                                    "西乡固戍社区工会联合会",
                                                    "固戍社区",
                                                    L.GRASSROOTS,
                                                    "440306",
                                                    [],
                                                ),
                                                (
                                                    "西乡臣田工业园工会",
                                                    "臣田园区",
                                                    L.GRASSROOTS,
                                                    "440306",
                                                    [],
                                                ),
                                            ],
                                        ),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
                (
                    "东莞市总工会",
                    "东莞市总",
                    L.CITY,
                    "441900",
                    [
                        ("东莞市大朗镇总工会", "大朗镇", L.STREET, "441900", []),
                    ],
                ),
                ("中山市总工会", "中山市总", L.CITY, "442000", []),
                (
                    "广州市总工会",
                    "广州市总",
                    L.CITY,
                    "440100",
                    [
                        ("广州市南沙区总工会", "南沙区总", L.DISTRICT, "440115", []),
                        ("广州市白云区总工会", "白云区总", L.DISTRICT, "440111", []),
                        ("广州市花都区总工会", "花都区总", L.DISTRICT, "440114", []),
                    ],
                ),
                (
                    "珠海市总工会",
                    "珠海市总",
                    L.CITY,
                    "440400",
                    [
                        ("珠海市香洲区总工会", "香洲区总", L.DISTRICT, "440402", []),
                        ("珠海市斗门区总工会", "斗门区总", L.DISTRICT, "440403", []),
                    ],
                ),
                (
                    "韶关市总工会",
                    "韶关市总",
                    L.CITY,
                    "440200",
                    [
                        (
                            "新丰县总工会",
                            "新丰县总",
                            L.DISTRICT,
                            "440233",
                            [
                                (
                                    "新丰县马头镇总工会",
                                    "马头镇总",
                                    L.STREET,
                                    "440233",
                                    [
                                        (
                                            "新丰县马头镇丰华电子厂工会委员会",
                                            "丰华电子厂工会",
                                            L.GRASSROOTS,
                                            "440233",
                                            [],
                                        )
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
                (
                    "江门市总工会",
                    "江门市总",
                    L.CITY,
                    "440700",
                    [
                        (
                            "鹤山市总工会",
                            "鹤山市总",
                            L.DISTRICT,
                            "440784",
                            [
                                ("鹤山市桃源镇总工会", "桃源镇", L.STREET, "440784", []),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        (
            "天津市总工会",
            "天津市总",
            L.PROVINCE,
            "120000",
            [
                ("天津市静海区总工会", "静海区总", L.DISTRICT, "120118", []),
            ],
        ),
        (
            "陕西省总工会",
            "陕西省总",
            L.PROVINCE,
            "610000",
            [
                (
                    "安康市总工会",
                    "安康市总",
                    L.CITY,
                    "610900",
                    [
                        ("平利县总工会", "平利县总", L.DISTRICT, "610926", []),
                    ],
                ),
            ],
        ),
    ],
)


def demo_uscc(name: str, division: str) -> str:
    """A valid, stable union code (81 + division + 9 symbols + check) for a demo unit."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "81" + division + "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:9])
    return body + check_symbol(body)
