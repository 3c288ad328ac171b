"""A random walk over claim / redeem / reverse / revoke / time passing (carry-over, expiry, end)
(hypothesis RuleBasedStateMachine). After every step:

- total = available + claimed + redeemed + expired + revoked, where available is the stock
  not yet given out (Σ round.stock − round.claimed) and the rest count vouchers by status;
- every round: 0 <= claimed <= stock, and Σ round.claimed = vouchers given out;
- no voucher has two live redemptions; a voucher is redeemed exactly when it has a live one,
  and the ledger holds one service record per live redemption;
- nobody holds more (non-revoked) vouchers than per_person;
- a refused step changes nothing."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.benefits.support import campaign, cashier, claimer, outlet_of
from tests.hypothesis_profiles import examples
from zhijia.benefits import cache
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Redemption, Round, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.expiry import campaigns_tick
from zhijia.benefits.services.redeem import redemption_reverse, voucher_redeem
from zhijia.benefits.services.vouchers import voucher_revoke
from zhijia.core.errors import ApplicationError
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db
S = VoucherStatus
PEOPLE = 5
PER_PERSON = 2


def snapshot_rows(camp):
    return (
        list(Voucher.objects.filter(campaign=camp).order_by("pk").values_list("pk", "status", "claim_key")),
        list(
            Round.objects.filter(campaign=camp).order_by("number").values_list("stock", "claimed", "carried")
        ),
        list(Redemption.objects.order_by("pk").values_list("pk", "reversed_at")),
    )


def make_machine(demo):
    org, staff = demo.org("福田区总"), demo.user("futian_staff")

    class Vouchers(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.tx = transaction.atomic()
            self.tx.__enter__()
            self.clock = timezone.now()
            self.clock_patch = mock.patch.object(timezone, "now", lambda: self.clock)
            self.clock_patch.start()
            cache.local_clear()
            # 3 rounds of 2 (open 20 hours, a day apart), carry-over, vouchers valid 1 day after claiming
            self.camp = campaign(
                org, total=6, rounds=3, per_person=PER_PERSON, valid_days=1, threshold=0, round_hours=20
            )
            self.till = outlet_of(self.camp.merchants.get())
            self.cashier = cashier(self.till)
            self.users = [claimer(org)[0] for _ in range(PEOPLE)]

        def teardown(self):
            self.clock_patch.stop()
            transaction.set_rollback(True)
            self.tx.__exit__(None, None, None)

        def _pick(self, i, model, **filters):
            found = list(model.objects.filter(**filters).order_by("pk"))
            return found[i % len(found)] if found else None

        def _try(self, fn, allowed, **kwargs):
            before = snapshot_rows(self.camp)
            try:
                fn(**kwargs)
            except ApplicationError as exc:
                assert exc.code in allowed, (exc.code, exc.message)
                assert snapshot_rows(self.camp) == before, "a refused step changed something"

        @rule(i=st.integers(0, PEOPLE - 1))
        def claim(self, i):
            self._try(
                voucher_claim,
                {"sold_out", "already_claimed", "not_open"},
                user=self.users[i],
                campaign_id=self.camp.pk,
            )

        @rule(i=st.integers(0, 50), bill=st.decimals(min_value=0, max_value=500, places=2))
        def redeem(self, i, bill):
            voucher = self._pick(i, Voucher, campaign=self.camp)
            if voucher is None:
                return
            self._try(
                voucher_redeem,
                {"not_redeemable"},
                actor=self.cashier,
                outlet=self.till,
                code=voucher.code,
                bill=bill,
            )

        @rule(i=st.integers(0, 50), by_cashier=st.booleans())
        def reverse(self, i, by_cashier):
            redemption = self._pick(i, Redemption, voucher__campaign=self.camp)
            if redemption is None:
                return
            self._try(
                redemption_reverse,
                {"reversal_window", "invalid_transition"},
                actor=self.cashier if by_cashier else staff,
                redemption=redemption,
                reason="test",
            )

        @rule(i=st.integers(0, 50))
        def revoke(self, i):
            voucher = self._pick(i, Voucher, campaign=self.camp)
            if voucher is None:
                return
            self._try(voucher_revoke, {"invalid_transition"}, actor=staff, voucher=voucher, reason="test")

        @rule(hours=st.integers(1, 8))
        def time_passes(self, hours):
            self.clock += dt.timedelta(hours=hours)
            cache.local_clear()
            campaigns_tick(now=self.clock)

        @invariant()
        def stock_is_accounted_for(self):
            rounds = Round.objects.filter(campaign=self.camp).aggregate(
                stock=Sum("stock"), claimed=Sum("claimed")
            )
            counts = dict.fromkeys(S.values, 0)
            for status, n in (
                Voucher.objects.filter(campaign=self.camp)
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                counts[status] = n
            available = rounds["stock"] - rounds["claimed"]
            assert self.camp.total == available + sum(counts.values())
            assert rounds["claimed"] == sum(counts.values())

        @invariant()
        def rounds_never_oversold(self):
            assert not Round.objects.filter(campaign=self.camp, claimed__gt=F("stock")).exists()
            assert not Round.objects.filter(campaign=self.camp, stock__lt=0).exists()

        @invariant()
        def at_most_one_live_redemption(self):
            live = Redemption.objects.filter(voucher__campaign=self.camp, reversed_at__isnull=True)
            per_voucher = live.values("voucher").annotate(n=Count("pk")).filter(n__gt=1)
            assert not per_voucher.exists()
            redeemed = set(
                Voucher.objects.filter(campaign=self.camp, status=S.REDEEMED).values_list("pk", flat=True)
            )
            assert redeemed == set(live.values_list("voucher_id", flat=True))
            # The ledger keeps a reversed redemption's row and appends a reversal row that cancels
            # it (records.services.record_reverse): every redemption has its row, and the rows of a
            # redemption net to zero exactly when it was reversed.
            records = ServiceRecord.objects.filter(source=RecordSource.VOUCHER)
            every = Redemption.objects.filter(voucher__campaign=self.camp)
            originals = records.filter(leg="")
            assert sorted(originals.values_list("source_id", flat=True)) == sorted(
                every.values_list("pk", flat=True)
            )
            net = dict(
                records.values("source_id")
                .annotate(net=Sum("qty"))
                .values_list("source_id", "net")
                .order_by()
            )
            assert {pk for pk, n in net.items() if n} == set(live.values_list("pk", flat=True))
            assert set(net.values()) <= {0, 1}

        @invariant()
        def per_person_limit(self):
            held = (
                Voucher.objects.filter(campaign=self.camp)
                .exclude(status=S.REVOKED)
                .values("person")
                .annotate(n=Count("pk"))
                .filter(n__gt=PER_PERSON)
            )
            assert not held.exists()

    return Vouchers


@override_settings(BENEFITS_CLAIM_RATE=10_000)
def test_voucher_state_machine(demo):
    run_state_machine_as_test(
        make_machine(demo),
        settings=settings(
            max_examples=examples(25),
            stateful_step_count=30,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
