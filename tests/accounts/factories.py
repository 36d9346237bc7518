import factory

from flexwork.accounts.models import User

PASSWORD = "kuda-lari-kencang-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"19800101200{n:04d}1001")
    email = factory.Sequence(lambda n: f"pegawai{n}@example.go.id")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    language = "id"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
