import factory
from django.contrib.auth import get_user_model

from practices.models import Membership, Oversight, Practice, Region

PASSWORD = "Correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )
            obj.save()


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Cabinet {n}")
    slug = factory.Sequence(lambda n: f"cabinet-{n}")
    professions = factory.LazyFunction(lambda: ["medecine_generale"])
    # get_or_create: a transactional (browser) test flushes the regions the migration loaded.
    region = factory.LazyFunction(
        lambda: Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})[0]
    )
    city = "Paris"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    role = "staff"
    job = "secretaire"


class OversightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Oversight

    practice = factory.SubFactory(PracticeFactory)
    delegate = factory.SubFactory(UserFactory)


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.Suggestion"

    practice = factory.SubFactory(PracticeFactory)
    delegate = factory.SubFactory(UserFactory)
    kind = "checklist"
    key = factory.Sequence(lambda n: f"liste-{n}")
    title = factory.Sequence(lambda n: f"Liste suggérée {n}")
