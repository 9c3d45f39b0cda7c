"""The outbox page (/courriels): national staff read every message; nobody else does."""

from __future__ import annotations

import re

import asyncpg
import msgspec

from shared.database import DatabaseAddress
from shared.mail import MAX_ATTEMPTS, PAGE_SIZE, Message, Outbox
from tests.helpers.api import Api

INVITATION = Message(
    recipient="elodie@relais-lens.fr",
    subject="Invitation à rejoindre « Relais Lens »",
    body="Bonjour Élodie,\n\nSuivez ce lien : http://localhost:8000/invitation/abc?x=1&y=2.\n"
    "Ceci n'est pas un lien : javascript:alert(1) <b>gras</b>\n",
    kind="invitation",
)
RESET = Message(
    recipient="marc@exemple.fr",
    subject="Réinitialisation de votre mot de passe",
    body="Bonjour Marc,\n\nhttp://localhost:8000/mot-de-passe/xyz\n",
    kind="password_reset",
)


async def queue(database: DatabaseAddress, message: Message) -> int:
    """Queue as a command would (the app runs on the test client's own event loop, so its pool is
    not usable from the test's)."""
    async with asyncpg.create_pool(database.url(), min_size=1, max_size=1) as pool:
        return await Outbox(pool).send(message)


async def fail(database: DatabaseAddress, message_id: int, attempts: int, error: str) -> None:
    connection = await asyncpg.connect(database.url())
    try:
        await connection.execute(
            "UPDATE platform.outbox SET attempts = $2, last_error = $3 WHERE id = $1", message_id, attempts, error
        )
    finally:
        await connection.close()


async def test_staff_see_the_messages_newest_first_and_filter_them(api: Api, database: DatabaseAddress) -> None:
    await queue(database, INVITATION)
    await queue(database, RESET)

    page = await api.client.get("/courriels", headers=api.staff)

    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert "Aucun serveur de courriel n'est configuré" in page.text  # the tests' settings have no SMTP
    assert page.text.index("Réinitialisation de votre mot de passe") < page.text.index("Invitation à rejoindre")
    assert page.text.count("en attente") == 2
    by_kind = await api.client.get("/courriels", params={"type": "password_reset"}, headers=api.staff)
    assert "marc@exemple.fr" in by_kind.text and "elodie@relais-lens.fr" not in by_kind.text
    by_recipient = await api.client.get("/courriels", params={"destinataire": "RELAIS-lens"}, headers=api.staff)
    assert "elodie@relais-lens.fr" in by_recipient.text and "marc@exemple.fr" not in by_recipient.text
    nothing = await api.client.get("/courriels", params={"destinataire": "%"}, headers=api.staff)
    assert "Aucun message ne correspond à ce filtre." in nothing.text


async def test_a_message_reads_in_full_with_its_links_clickable_and_nothing_else_as_html(
    api: Api, database: DatabaseAddress
) -> None:
    message_id = await queue(database, INVITATION)

    page = await api.client.get(f"/courriels/{message_id}", headers=api.staff)

    assert page.status_code == 200
    assert "<h1>Invitation à rejoindre « Relais Lens »</h1>" in page.text
    assert "Bonjour Élodie,<br>" in page.text
    # The link is the address without the sentence's full stop, its & escaped in HTML.
    link = "http://localhost:8000/invitation/abc?x=1&amp;y=2"
    assert f'<a href="{link}">{link}</a>.' in page.text
    assert "javascript:alert(1) &lt;b&gt;gras&lt;/b&gt;" in page.text
    assert not re.search(r'href="javascript', page.text)
    assert "État</dt><dd>en attente</dd>" in page.text
    missing = await api.client.get(f"/courriels/{message_id + 1000}", headers=api.staff)
    assert missing.status_code == 404 and "Page introuvable" in missing.text


async def test_a_failed_message_shows_its_error(api: Api, database: DatabaseAddress) -> None:
    message_id = await queue(database, RESET)
    await fail(database, message_id, 3, "serveur SMTP injoignable")
    waiting = await api.client.get(f"/courriels/{message_id}", headers=api.staff)
    assert "en attente (3 tentatives, dernière erreur : serveur SMTP injoignable)" in waiting.text
    await fail(database, message_id, MAX_ATTEMPTS, "destinataire refusé : 550 inconnu")

    page = await api.client.get(f"/courriels/{message_id}", headers=api.staff)

    assert "échec : destinataire refusé : 550 inconnu" in page.text


async def test_a_member_is_refused_and_an_anonymous_visitor_sent_to_sign_in(
    api: Api, database: DatabaseAddress
) -> None:
    message_id = await queue(database, INVITATION)
    member = api.token("member_admin", tenant="00000000-0000-0000-0000-000000000001", subject="admin-1")

    for path in ("/courriels", f"/courriels/{message_id}"):
        refused = await api.client.get(path, headers=member)
        assert refused.status_code == 403 and "Accès refusé" in refused.text
        assert "elodie@relais-lens.fr" not in refused.text
        anonymous = await api.client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == "/connexion?suite=" + path.replace("/", "%2F")


async def test_the_navigation_offers_the_outbox_to_staff_only(api: Api) -> None:
    staff_home = await api.client.get("/", headers=api.staff)
    member_home = await api.client.get(
        "/", headers=api.token("member_admin", tenant="00000000-0000-0000-0000-000000000001", subject="admin-1")
    )
    assert 'href="/courriels"' in staff_home.text and 'href="/courriels"' not in member_home.text


async def test_older_messages_are_a_page_further(api: Api, database: DatabaseAddress) -> None:
    async with asyncpg.create_pool(database.url(), min_size=1, max_size=1) as pool:
        for n in range(PAGE_SIZE + 1):
            await Outbox(pool).send(msgspec.structs.replace(RESET, subject=f"Message n° {n}"))

    first = await api.client.get("/courriels", params={"type": "password_reset"}, headers=api.staff)
    assert "Message n° 50<" in first.text and "Message n° 0<" not in first.text
    older = re.search(r'<a href="(/courriels\?[^"]+)">Messages plus anciens</a>', first.text)
    assert older is not None
    second = await api.client.get(older.group(1).replace("&amp;", "&"), headers=api.staff)
    assert "Message n° 0<" in second.text and "Message n° 1<" not in second.text
    assert "Messages plus anciens" not in second.text
