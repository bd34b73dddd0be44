"""Set-up for the peer-learning tests: topics, published resources, and threads written
through the real services (as the pages do)."""

from learning.models import Resource, ResourceVersion, Topic
from learning.services import community as services


def topic(slug="remediation", name_en="Remediation", name_fr="Remédiation") -> Topic:
    return Topic.objects.get_or_create(
        slug=slug, defaults={"name_en": name_en, "name_fr": name_fr}
    )[0]


def published_resource(title="Model contract clause on remediation", status=None) -> Resource:
    resource = Resource.objects.create(
        kind="contract_clause", status=status or Resource.Status.PUBLISHED
    )
    ResourceVersion.objects.create(resource=resource, language="en", title=title, format="text")
    ResourceVersion.objects.create(
        resource=resource, language="fr", title=f"{title} (fr)", format="text"
    )
    return resource


def identity_of(user):
    return services.community_identity(user)


def ask(user, *, title="How do you word the remediation clause?", body="We are drafting.", **kw):
    return services.thread_ask(
        by=user,
        identity=identity_of(user),
        topic=kw.pop("topic", None) or topic(),
        title=title,
        body=body,
        **kw,
    )


def answer(thread, user, body="We use the model clause.", **kw):
    return services.thread_answer(
        thread=thread, by=user, identity=identity_of(user), body=body, **kw
    )
