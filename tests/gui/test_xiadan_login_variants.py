"""Login variants against the unkind fake: the 国金/广发 login captcha (image 0x5db, Edit 0x3eb), read with
the shipped recogniser and retried a bounded number of times; universal builds that keep the saved
password in a disabled edit (nothing may be typed into it); passwords typed and never logged.
"""

from __future__ import annotations

import logging

import pytest

from ashare_gateway.domain.errors import BrokerUnavailable
from ashare_gateway.simulators.xiadan.builds import UNIVERSAL_BUILD, UNIVERSAL_NEW_BUILD

from .conftest import PASSWORD

# A 广发-like build: 登录(Y), a login captcha, login edits that take typed keys only.
CAPTCHA_BUILD = UNIVERSAL_NEW_BUILD.with_changes(login_captcha=True)
SAVED_PASSWORD_BUILD = UNIVERSAL_BUILD.with_changes(login_saved_password=True, login_settext_ignored=True)


def _captcha_events(broker) -> list[str]:
    return [e.detail for e in broker.driver.events if e.kind == "login_captcha"]


def test_the_login_captcha_is_read_and_typed(make, creds, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    broker = make("universal", connect=False, logged_in=False, build=CAPTCHA_BUILD)
    info = broker.login(creds("universal"))
    assert info.main_window_title and broker.driver.logged_in
    assert _captcha_events(broker) == ["通过"]
    assert PASSWORD not in caplog.text  # never logged, not even at DEBUG


def test_a_refused_login_captcha_is_read_again_from_a_new_image(make, creds) -> None:
    broker = make("universal", connect=False, logged_in=False, build=CAPTCHA_BUILD, login_captcha_rejects=2)
    broker.login(creds("universal"))
    events = _captcha_events(broker)
    assert len(events) == 3 and events[-1] == "通过" and all(e.startswith("拒绝") for e in events[:2])


def test_a_login_captcha_refused_every_time_fails_after_a_bounded_number_of_tries(make, creds) -> None:
    broker = make("universal", connect=False, logged_in=False, build=CAPTCHA_BUILD, login_captcha_rejects=99)
    with pytest.raises(BrokerUnavailable, match="登录验证码识别失败（已尝试4次）") as caught:
        broker.login(creds("universal"))
    assert caught.value.status_code == 401
    assert len(_captcha_events(broker)) == 4


def test_a_wrong_password_with_a_captcha_is_refused_at_once(make, creds) -> None:
    broker = make("universal", connect=False, logged_in=False, build=CAPTCHA_BUILD)
    with pytest.raises(BrokerUnavailable, match="登录失败") as caught:
        broker.login(creds("universal", password="wrong-pass"))
    assert caught.value.status_code == 401
    assert _captcha_events(broker) == ["通过"]  # the captcha was right: no retry on a refused password


def test_a_saved_password_in_a_disabled_edit_is_not_typed_into(make, creds) -> None:
    broker = make("universal", connect=False, logged_in=False, build=SAVED_PASSWORD_BUILD)
    broker.login(creds("universal"))
    assert broker.driver.logged_in
    # The make fixture checks at teardown that nothing was typed into the disabled edit (no misuse).
