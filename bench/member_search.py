"""Member search at city scale (PostgreSQL): a name, a pinyin and an initials "contains" query
scoped to one district, through the real selector (members.selectors.registry.member_list: the
console's first page of 20 plus the count), with the trigram GIN indexes of migration members
0004 against the scan (the query shape before it: an OR across memberships and people with
`name icontains`, which no index serves) on the same data in the same run.

    uv run python bench/member_search.py                 # 2,000,000 members (PEOPLE to change)
    PEOPLE=500000 uv run python bench/member_search.py   # a smaller run
    KEEP=1 uv run python bench/member_search.py          # keep the database: a second run
                                                         # measures on it without rebuilding

A throwaway database (DATABASE_URL, default zhijia_loose_bench on 127.0.0.1) is created, filled
in SQL (generate_series; names from 100 surnames and 166 given-name characters, a third of them
two characters long, as in real ledgers) and dropped at the end (unless KEEP=1).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway_db import close_django_connections, create_postgres, drop_postgres, temp_dir  # noqa: E402

DATABASE_URL = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhijia_loose_bench")
PEOPLE = int(os.environ.get("PEOPLE", "2000000"))
RUNS, SCAN_RUNS = int(os.environ.get("RUNS", "20")), 3
TMP = temp_dir("zhijia-bench-search-", "config.settings.dev")
created = create_postgres(DATABASE_URL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402

from zhijia.accounts.services import user_create  # noqa: E402
from zhijia.members.models import Membership  # noqa: E402
from zhijia.members.selectors.registry import member_list  # noqa: E402
from zhijia.orgs.access import scope_for  # noqa: E402
from zhijia.orgs.capabilities import Cap  # noqa: E402
from zhijia.orgs.enums import OrgLevel  # noqa: E402
from zhijia.orgs.models import Role  # noqa: E402
from zhijia.orgs.services import org_create, role_grant  # noqa: E402
from zhijia.orgs.tree import subtree_q  # noqa: E402

TRGM = __import__("zhijia.members.migrations.0004_person_search_trgm", fromlist=["FORWARD"])


def people_query(q: str):
    """The people step of member_search (what the trigram indexes serve)."""
    from zhijia.members.models import Person
    from zhijia.members.selectors.letters import letters_q
    from zhijia.members.selectors.registry import Doubled, doubled

    compact = q.strip().lower()
    people = Person.objects.annotate(_doubled=Doubled("name"))
    cond = Q(_doubled__contains=doubled(q))
    if compact.isalpha() and compact.isascii():
        cond |= letters_q(compact)
    return people.filter(cond).values("pk")


def before_list(user, q: str, district):
    """The search as it was before migration 0004 (for the comparison): an OR across the
    membership and person tables with `name icontains` — a scan of the district's members."""
    compact = q.strip().lower()
    cond = Q(person__name__icontains=q) | Q(member_no=q)
    if compact.isalpha() and compact.isascii():
        cond |= Q(person__name_initials__startswith=compact) | Q(person__name_pinyin__contains=compact)
    return (
        Membership.objects.filter(scope_for(user, Cap.MEMBERS_VIEW).q("org"))
        .filter(subtree_q(district.path, "org__path"))
        .select_related("person", "org")
        .order_by("person__name_pinyin", "person__name", "id")
        .filter(cond)
    )


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉梅红文辉鹏飞云宇浩俊峰春"
    "燕晶鑫斌波亮志新利清林海凤婷欣怡佳琪晨阳子涵雨轩博思远德福贵祥瑞安宁康泰荣昌盛发"
    "达成功永长庆丰喜乐欢美好真善诚信忠义礼智仁勤俭朴家和兴旺金银铜铁山川河湖江水木火"
    "土石松柏竹菊荷桃杏梨枫柳槐桐樟楠桦榕椿柯楷模范振中东南北光耀辰星月日天地才广大小"
    "少多正直方圆"
)


def pinyin(ch: str) -> str:
    return "".join(lazy_pinyin(ch)).lower()


def fill(people: int, orgs: list) -> None:
    sn, gn = list(SURNAMES), list(GIVEN)
    sp, gp = [pinyin(c) for c in sn], [pinyin(c) for c in gn]
    assert all(lazy_pinyin(c, style=Style.FIRST_LETTER) for c in sn + gn)
    pick_s = f"1 + abs(hashint8(i::bigint * 3 + 1)) %% {len(sn)}"
    pick_a = f"1 + abs(hashint8(i::bigint * 3 + 2)) %% {len(gn)}"
    pick_b = f"1 + abs(hashint8(i::bigint * 3 + 3)) %% {len(gn)}"
    third = "CASE WHEN abs(hashint8(i::bigint * 7)) %% 3 = 0 THEN '' ELSE {arr}[b] END"
    sql = f"""
        INSERT INTO members_person (id, created_at, updated_at, name, name_pinyin, name_initials,
            gender, ethnicity, id_type, id_number, id_index, phone, phone_index, phone_last4,
            education, political_status, hukou_place, residence, employer, job_title, occupation,
            migrant_worker, skill_level)
        SELECT gen_random_uuid(), now(), now(),
               (%(sn)s::text[])[s] || (%(gn)s::text[])[a] || {third.format(arr="(%(gn)s::text[])")},
               (%(sp)s::text[])[s] || (%(gp)s::text[])[a] || {third.format(arr="(%(gp)s::text[])")},
               left((%(sp)s::text[])[s], 1) || left((%(gp)s::text[])[a], 1)
                   || left({third.format(arr="(%(gp)s::text[])")}, 1),
               '', '', 'cn_resident', '', NULL, '', '', lpad((i %% 10000)::text, 4, '0'),
               '', '', '', '', '', '', 'employee', false, ''
        FROM (SELECT i, {pick_s} AS s, {pick_a} AS a, {pick_b} AS b
              FROM generate_series(1, %(n)s) AS i) AS g
    """
    with connection.cursor() as cur:
        # the trigram indexes are built once after the load (faster than row by row)
        cur.execute("DROP INDEX person_name_trgm, person_pinyin_trgm, person_initials_trgm")
        cur.execute(sql, {"sn": sn, "gn": gn, "sp": sp, "gp": gp, "n": people})
        cur.execute(
            """
            INSERT INTO members_membership (id, created_at, updated_at, person_id, org_id, member_no,
                status, joined_on, ended_on)
            SELECT gen_random_uuid(), now(), now(), p.id,
                   (%(orgs)s::uuid[])[1 + abs(hashtext(p.id::text)) %% %(n)s], NULL, 'member', NULL, NULL
            FROM members_person p
            """,
            {"orgs": [str(o.pk) for o in orgs], "n": len(orgs)},
        )
        for statement in TRGM.FORWARD[1:]:
            cur.execute(statement)
        cur.execute("VACUUM ANALYZE members_person")
        cur.execute("VACUUM ANALYZE members_membership")


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def build():
    """The city tree, the viewer and the people; returns (viewer, districts)."""
    call_command("migrate", verbosity=0)
    city = org_create(actor=None, parent=None, name="基准市总工会", level=OrgLevel.CITY)
    districts, unions = [], []
    for d in range(10):
        district = org_create(actor=None, parent=city, name=f"第{d}区总工会", level=OrgLevel.DISTRICT)
        districts.append(district)
        for u in range(20):
            unions.append(
                org_create(
                    actor=None, parent=district, name=f"第{d}区第{u}基层工会", level=OrgLevel.GRASSROOTS
                )
            )
    user = user_create(actor=None, username="bench_viewer", password="Bench-pass-2026-x", org=city)
    role_grant(actor=None, user=user, org=city, role=Role.objects.get(code="viewer"))
    fill(PEOPLE, unions)
    return user, districts


def main() -> None:
    t0 = time.perf_counter()
    if created:
        user, districts = build()
    else:  # KEEP=1 left it: measure again without building (e.g. after a change to the search)
        from zhijia.accounts.models import User
        from zhijia.orgs.models import Org

        user = User.objects.get(username="bench_viewer")
        districts = list(Org.objects.filter(level=OrgLevel.DISTRICT).order_by("path"))
    t2 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM members_person")
        total = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('members_person'))")
        size = cur.fetchone()[0]
    district = districts[3]
    with connection.cursor() as cur:  # a real three-character name from that district
        cur.execute(
            "SELECT p.name, p.name_pinyin, p.name_initials FROM members_person p JOIN members_membership m"
            " ON m.person_id = p.id JOIN orgs_org o ON o.id = m.org_id WHERE o.path LIKE %s"
            " AND char_length(p.name) = 3 ORDER BY p.name_pinyin, p.name LIMIT 1",
            [district.path + "%"],
        )
        name3, pinyin3, initials3 = cur.fetchone()
        # and the district's most common two-character start of a name (the hardest case: the
        # most people to find, rank and count), with its pinyin and initials
        cur.execute(
            "SELECT left(p.name, 2), left(p.name_initials, 2), count(*) AS n FROM members_person p"
            " JOIN members_membership m ON m.person_id = p.id JOIN orgs_org o ON o.id = m.org_id"
            " WHERE o.path LIKE %s GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT 1",
            [district.path + "%"],
        )
        common, common_initials, _n = cur.fetchone()
    queries = {
        "name (2 characters)": name3[:2],
        "name (3 characters)": name3,
        "pinyin": pinyin3[: max(5, len(pinyin3) - 2)],
        "initials": initials3,
        "common name (2 ch.)": common,
        "common pinyin": pinyin(common[0]) + pinyin(common[1]),
        "common initials": common_initials,
    }
    print(f"members: {total:,} people, {total:,} memberships, members_person {size}")
    print(
        f"district scope: {district.name} (~{total // 10:,} members);"
        f" set-up and fill {t2 - t0:.1f} s{'' if created else ' (database kept from an earlier run)'}"
    )

    def page(q: str):
        qs = member_list(actor=user, q=q, org=district)
        return list(qs[:20]), qs.count()

    results = {}
    for label, q in queries.items():
        _rows, count = page(q)
        with connection.cursor() as cur:  # the plan of the first step: finding the people
            sql, params = people_query(q).query.sql_with_params()
            cur.execute("EXPLAIN " + sql, params)
            if os.environ.get("PLANS"):
                print(cur.mogrify(sql, params) if hasattr(cur, "mogrify") else sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        uses = [i for i in ("person_name_trgm", "person_pinyin_trgm", "person_initials_trgm") if i in plan]
        indexed = timed(lambda q=q: page(q), RUNS)

        def before(q=q):
            qs = before_list(user, q, district)
            return list(qs[:20]), qs.count()

        assert before()[1] == count, (label, before()[1], count)  # same answer
        scan = timed(before, SCAN_RUNS)
        results[label] = (q, count, uses, indexed, scan)
        print(
            f"{label:22} q={q!r:14} matches={count:>6,}  trigram p50 {statistics.median(indexed):7.1f} ms"
            f" p95 {p95(indexed):7.1f} ms   scan p50 {statistics.median(scan):8.1f} ms"
            f"   indexes used: {', '.join(uses) or 'none'}"
        )
    print(f"total {time.perf_counter() - t0:.0f} s")


try:
    main()
finally:
    close_django_connections()
    if created and not os.environ.get("KEEP"):
        drop_postgres(DATABASE_URL)
    import shutil

    shutil.rmtree(TMP, ignore_errors=True)
