"""A person at a browser, in a few lines: open the sign-in page, pick an account, approve, and let
the page's form_post reach the application's loopback redirect. Forms are read with html.parser;
no JavaScript runs (the pages must work without it)."""

from __future__ import annotations

import threading
import webbrowser
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class Form(HTMLParser):
    """The first form of a page: its action and its fields (hidden and text inputs)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.accounts: list[str] = []
        self._in_form = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self._in_form = attrs.get("action", ""), True
        elif tag == "input" and self._in_form:
            if attrs.get("type") == "radio":
                self.accounts.append(attrs.get("value", ""))
            elif attrs.get("name"):
                self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def submit(session: requests.Session, page_url: str, html: str, **extra: str) -> requests.Response:
    """Fill the page's form with `extra` and press its button."""
    form = Form(html)
    assert form.action is not None, f"no form on {page_url}: {html[:300]}"
    return session.post(urljoin(page_url, form.action), data={**form.fields, **extra}, timeout=10)


def sign_in_on_device_page(url: str, code: str, account: str) -> str:
    """Type the code on the device page, pick `account`, approve; the last page's text."""
    session = requests.Session()
    first = session.get(url, timeout=10)
    picked = submit(session, url, first.text, otc=code)
    assert account in Form(picked.text).accounts, picked.text
    done = submit(session, url, picked.text, account=account)
    return done.text


class StandInBrowser(webbrowser.BaseBrowser):
    """Registered with `webbrowser`: azure-identity's `webbrowser.open` lands here."""

    def __init__(self, account: str) -> None:
        super().__init__("college-tui-stand-in")
        self.account = account
        self.visited: list[str] = []
        self.pages: list[str] = []
        self.errors: list[BaseException] = []
        self.done = threading.Event()

    def open(self, url, new=0, autoraise=True):
        # The application waits for the redirect only after open() returns: visit in a thread.
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    def _visit(self, url: str) -> None:
        try:
            self.visited.append(url)
            session = requests.Session()
            choose = session.get(url, timeout=10)
            self.pages.append(choose.text)
            answer = submit(session, url, choose.text, account=self.account)
            self.pages.append(answer.text)
            form = Form(answer.text)
            assert form.action and form.action.startswith("http://localhost:"), answer.text
            session.post(form.action, data=form.fields, timeout=10)  # the form_post
        except BaseException as error:  # seen by the test
            self.errors.append(error)
        finally:
            self.done.set()


def use_stand_in_browser(monkeypatch, account: str) -> StandInBrowser:
    """Make `webbrowser.open` open the stand-in (restored after the test)."""
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.setattr(webbrowser, "_tryorder", [])
    browser = StandInBrowser(account)
    webbrowser.register("college-tui-stand-in", None, browser, preferred=True)
    return browser


def main(argv: list[str]) -> int:
    """`python -m tests.azdo.stand_in_browser URL ACCOUNT`: a browser for `BROWSER=` (a script
    that starts this in the background, as webbrowser waits for the command to end)."""
    browser = StandInBrowser(argv[1])
    browser._visit(argv[0])
    if browser.errors:
        print(f"stand-in browser failed: {browser.errors[0]!r}")
        return 1
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
