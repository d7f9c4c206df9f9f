"""django-import-export resources of the candidates app."""

from import_export import fields, resources

from .models import Nomination


def _region(nomination: Nomination) -> str:
    candidate = nomination.candidate
    return candidate.regency.name if candidate.regency_id else ""


class NominationExportResource(resources.Resource):
    """Nominations with the Bahasa Indonesia headers of the spreadsheets. Every value comes from
    the rows of selectors.nominations() (regions and edition are joined in), so an export costs
    one query; formula-like text is escaped (spreadsheets.escape_cell)."""

    year = fields.Field(column_name="Tahun")
    category = fields.Field(column_name="Kategori")
    candidate = fields.Field(column_name="Kandidat")
    kind = fields.Field(column_name="Jenis kandidat")
    npp = fields.Field(column_name="NPP")
    province = fields.Field(column_name="Provinsi")
    regency = fields.Field(column_name="Kabupaten/kota")
    state = fields.Field(column_name="Status")
    provincial_label = fields.Field(column_name="Hasil provinsi")
    national_label = fields.Field(column_name="Hasil nasional")
    national_rank = fields.Field(column_name="Peringkat nasional")

    def export_field(self, field, instance, **kwargs):
        from .spreadsheets import escape_cell

        return escape_cell(super().export_field(field, instance, **kwargs))

    def dehydrate_year(self, n):
        return n.category.edition.year

    def dehydrate_category(self, n):
        return n.category.name

    def dehydrate_candidate(self, n):
        return n.candidate.name

    def dehydrate_kind(self, n):
        return str(n.candidate.get_kind_display())

    def dehydrate_npp(self, n):
        return n.candidate.npp or ""

    def dehydrate_province(self, n):
        return n.candidate.home_province.name

    def dehydrate_regency(self, n):
        return _region(n)

    def dehydrate_state(self, n):
        return str(n.get_state_display())

    def dehydrate_provincial_label(self, n):
        return str(n.get_provincial_label_display()) if n.provincial_label else ""

    def dehydrate_national_label(self, n):
        return str(n.get_national_label_display()) if n.national_label else ""

    def dehydrate_national_rank(self, n):
        return n.national_rank
