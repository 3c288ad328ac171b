"""The till reads a voucher's QR with the phone camera where the browser has no BarcodeDetector
(Chromium on desktop Linux has none): the vendored jsQR decodes the camera frames. The camera is
Chromium's fake capture device playing a Y4M file that shows the voucher's QR code."""

import io

import pytest
import segno
from django.urls import reverse
from PIL import Image

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from tests.e2e.conftest import CHROMIUM, PHONE, shot
from tests.e2e.test_members_journeys import staff_login
from zhijia.benefits import codes
from zhijia.benefits.services.claim import voucher_claim


def _y4m(text: str, path, width: int = 640, height: int = 480, frames: int = 5) -> None:
    """A short grey-scale (4:2:0) Y4M video whose every frame shows `text` as a QR code."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=8, border=4)
    qr = Image.open(png).convert("L")
    side = min(width, height) - 40
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr.resize((side, side), Image.NEAREST), ((width - side) // 2, (height - side) // 2))
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture
def voucher_at_till(demo):
    org = demo.org("中山市总")
    shop = merchant(org, name="扫码便利店")
    till = outlet_of(shop)
    cashier(till, user=demo.user("merchant_demo"))
    camp = campaign(org, merchants=[shop], title="扫码测试券")
    user, _person = claimer(org)
    return {"voucher": voucher_claim(user=user, campaign_id=camp.pk).voucher, "till": till}


def test_the_till_reads_the_qr_from_the_camera_without_barcode_detector(
    browser, live_server, voucher_at_till, tmp_path
):
    voucher = voucher_at_till["voucher"]
    video = tmp_path / "qr.y4m"
    _y4m(codes.voucher_qr(voucher), video)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
        context.grant_permissions(["camera"])
        context.set_default_timeout(20000)
        till = context.new_page()
        staff_login(till, "merchant_demo")
        till.goto(reverse("h5:merchant_redeem", args=[voucher_at_till["till"].pk]))
        till.wait_for_selector("[data-testid=till][data-step=scan]")
        assert till.evaluate("'BarcodeDetector' in window") is False
        till.click("[data-zj-scan]")
        till.wait_for_selector("[data-testid=till][data-step=preview]")
        assert "扫码测试券" in till.inner_text("[data-testid=till-campaign]")
        shot(till, "h5-merchant-camera-preview")
    finally:
        camera.close()
