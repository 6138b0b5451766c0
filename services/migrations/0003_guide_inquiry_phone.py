from django.db import migrations


class Migration(migrations.Migration):
    """咨询电话 is the 咨询 (inquiry) number: "consultation" names 征求意见 only."""

    dependencies = [("services", "0002_seed_themes")]

    operations = [
        migrations.RenameField(
            model_name="serviceguide", old_name="consultation_phone", new_name="inquiry_phone"
        ),
        migrations.RenameField(
            model_name="historicalserviceguide",
            old_name="consultation_phone",
            new_name="inquiry_phone",
        ),
    ]
