from django.db import migrations


def seed(apps, schema_editor):
    from commitments.taxonomy import CHALLENGE_AREAS, OTHER_AREAS

    PolicyArea = apps.get_model("commitments", "PolicyArea")
    for areas, challenge in ((CHALLENGE_AREAS, True), (OTHER_AREAS, False)):
        for code, name in areas:
            PolicyArea.objects.update_or_create(
                code=code, defaults={"name": name, "is_challenge_area": challenge}
            )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
