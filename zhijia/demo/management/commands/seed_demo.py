import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhijia.demo.seed import CAST, WORKER_PHONE, seed


class Command(BaseCommand):
    help = "Load the demo organisation tree and named cast (idempotent). Refuses production settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=0,
            metavar="N",
            help="also generate N members for benchmarks (the same N again creates none)",
        )

    def handle(self, *args, **options):
        if not settings.ZHIJIA_DEMO:
            raise CommandError(
                "seed_demo refuses to run: these settings are not a demo (ZHIJIA_DEMO is off)."
            )
        # The demo's members join and claim through the real services, which send SMS notices;
        # the console backend would print each one here.
        sms_log = logging.getLogger("zhijia.sms")
        level = sms_log.level
        sms_log.setLevel(logging.ERROR)
        try:
            result = seed(members=True, generated=options["members"], services=True)
        finally:
            sms_log.setLevel(level)
        self.stdout.write(
            f"Demo data: {result.created_orgs} units, {result.created_users} accounts, "
            f"{result.created_members} members and {result.created_services} stations, service "
            "lists, plans, activities, menus, experts, orders, merchants and campaigns created."
        )
        self.stdout.write("")
        self.stdout.write("Demo logins for the staff console (/console/):")
        for username, (display, home, _grants) in CAST.items():
            self.stdout.write(f"  {username:<17} {result.password}   {display} · {home}")
        self.stdout.write(
            f"Worker pages (/h5/): phone {WORKER_PHONE}; the SMS code is printed in this console"
        )
        self.stdout.write("Public pages: station finder /h5/stations/, activities /h5/activities/, ")
        self.stdout.write("service lists /h5/services/, vouchers /h5/vouchers/")
        self.stdout.write(
            "Expert workspace /h5/expert/ (log in as expert_demo); merchant till /h5/merchant/ "
            "(merchant_demo); 新丰 dispatches as xinfeng_staff, its factory union orders as factory_staff"
        )
        self.stdout.write(
            "Labour registry /console/labour/: pingli_staff (平利县), tangfang_surveyor (the survey form "
            "/h5/labour/survey/), xiangjian_staff (乡建公司); same password"
        )
        self.stdout.write(
            "Honours /console/honours/ (the 五一劳动奖章 public notice on /h5/honours/), star-rated unions "
            "/console/honours/stars/, contests /console/contests/ (futian_staff is the chief judge)"
        )
