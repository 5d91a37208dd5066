from django.db import migrations


def seed(apps, schema_editor):
    from commitments.taxonomy import seed_policy_areas

    seed_policy_areas(apps.get_model("commitments", "PolicyArea"))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
