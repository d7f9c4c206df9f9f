import pytest

from candidates.models import Candidate, Edition
from ceremonies.demo import seed_ceremonies
from ceremonies.models import Ceremony


@pytest.fixture
def published_demo(demo):
    """The demo data with Jawa Barat 2018's provincial results and the 2020 national results
    published, their ceremonies held and their certificates issued. In a test transaction the
    certificates' PDFs are not generated (the tasks are sent on commit); wrap a call in
    django_capture_on_commit_callbacks(execute=True) to generate them."""
    seed_ceremonies()
    return {
        "2018": Edition.objects.get(year=2018),
        "2020": Edition.objects.get(year=2020),
        "2021": Edition.objects.get(year=2021),
        "jabar_2018": Ceremony.objects.get(edition__year=2018, province="32"),
        "national_2020": Ceremony.objects.get(edition__year=2020, province__isnull=True),
        "bekasi": Candidate.objects.get(name="Pemerintah Kota Bekasi"),
    }
