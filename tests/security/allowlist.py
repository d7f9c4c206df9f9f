"""What each role may reach, route by route, and why: the reviewed allowlist of the access test
(tests/security/test_access_walker.py).

A key is an operationId of the API schema, a URL name, or (for the national admin's Django
admin) a pattern with `*`. An entry says which methods reach the route and in which worlds of
tests/security/walker.py (WORLDS); without worlds, in every world the route is requested in.
The test fails on anything reached that is not here, and on an entry that no longer matches
what is reached (a route gone, a method or a world no longer reached): the list says exactly
what each role reaches, no more and no less. "Reached" includes a 400 (the request passed the
permission check and its empty body was refused) and a redirect that does not end at a login
page; see walker.classify. (So the admin's login, which sends everyone to allauth's login with
its throttling and second factor, is reached by no one.)

The worlds, by what they hold (walker.WORLDS):
  jabar-2018   the Jawa Barat 2018 panel, Kota Bekasi's 2018 nomination, published results
  jury-2020    the 2020 jury, Kota Bekasi's 2020 nomination (legal product, award), published
  jury-2021    the 2021 jury and its finalist, Jakarta Utara; nothing published
  draft-2021   Kota Gorontalo's 2021 draft and an import by the Gorontalo branch
  cross-panel  the Jawa Barat 2018 panel asked about Kota Gorontalo's draft, 2020's category and
               award; Kota Gorontalo's draft asked for Kota Bekasi's legal product
  cross-jury   the 2020 jury asked about Kota Bekasi's 2018 nomination and 2018's category
"""

from dataclasses import dataclass

ANONYMOUS = "anonymous"
NO_ROLE = "no-role"  # signed in, no role assignment


@dataclass(frozen=True)
class Allow:
    reason: str
    methods: tuple[str, ...]
    worlds: tuple[str, ...] | None


def allow(reason: str, methods: str = "GET", worlds: tuple[str, ...] | None = None) -> Allow:
    return Allow(reason, tuple(methods.split()), worlds)


# Groups of worlds, by what a role finds in them.
PUBLISHED = ("jabar-2018", "jury-2020")  # an edition with published results
PUBLISHED_PROVINCE = ("jabar-2018",)  # the sample province (32) has 2018 provincial results
KOTA_BEKASI = ("jabar-2018", "jury-2020", "cross-jury")  # a Kota Bekasi nomination (2018, 2020)
KOTA_BEKASI_CANDIDATE = ("jabar-2018", "jury-2020")  # the candidate Kota Bekasi
KOTA_BEKASI_2020 = ("jury-2020",)  # Kota Bekasi 2020 with its own legal product
GORONTALO = ("draft-2021", "cross-panel")  # Kota Gorontalo's 2021 draft
GORONTALO_CANDIDATE = ("draft-2021",)
JABAR_2018_PANEL = ("jabar-2018", "cross-panel")  # the Jawa Barat 2018 panel's pages
JABAR_2018 = ("jabar-2018",)  # that panel with its own nominee and category
JURY_2020_PANEL = ("jury-2020", "cross-jury")  # the 2020 jury's pages
JURY_2020 = ("jury-2020",)  # that jury with its own nominee, category and award
JURY_PANELS = ("jury-2020", "jury-2021", "cross-jury")  # the 2020 and 2021 juries' pages
JURIES_OWN = ("jury-2020", "jury-2021")  # each jury with its own nominee and category
OWN = ("jabar-2018", "jury-2020", "jury-2021")  # every panel with its own nominee and category
NATIONAL_CANDIDATES = ("jabar-2018", "jury-2020", "jury-2021")  # Kota Bekasi, Jakarta Utara

# ---------------------------------------------------------------------------------------------
# Everyone, signed in or not

PUBLIC = {
    "home": allow("the public home page"),
    "public:language": allow("the language switch of the public site (a redirect)"),
    "public:editions": allow("public results: the editions"),
    "public:edition": allow("public results of a published edition only", worlds=PUBLISHED),
    "public:province": allow(
        "public results of a province in a published edition", worlds=PUBLISHED_PROVINCE
    ),
    "public:statistics": allow(
        "public statistics of what an edition has published (national or provincial)",
        worlds=PUBLISHED,
    ),
    "public:candidate": allow(
        "a candidate's published results; an unpublished one is 404",
        worlds=KOTA_BEKASI_CANDIDATE,
    ),
    "public:verify_form": allow("certificate verification is public"),
    "public:verify": allow("certificate verification is public"),
    "public:certificate_pdf": allow("a valid certificate's PDF is public"),
    "public:open_data": allow("open data is public"),
    "public:open_data_file": allow("open data of a published edition only", worlds=PUBLISHED),
    "account_login": allow("the login form (signed in: a redirect to the dashboard)", "GET POST"),
    "account_logout": allow("logging out (not signed in: a redirect home)", "GET POST"),
    "account_inactive": allow("allauth's 'account inactive' notice"),
    "account_email_verification_sent": allow("allauth's notice; no verification is sent"),
    "account_confirm_email": allow("allauth's confirmation link: an unknown key is refused"),
    "account_reset_password": allow("password reset by e-mail", "GET POST"),
    "account_reset_password_done": allow("password reset by e-mail"),
    "account_reset_password_from_key": allow(
        "password reset link: an unknown key says the link is invalid", "GET POST"
    ),
    "account_reset_password_from_key_done": allow("password reset by e-mail"),
    "set_language": allow("Django's language switch (a redirect)", "GET POST"),
    "admin:logout": allow("logging out of the admin (a redirect)", "POST"),
    "v1_provinces_list": allow("reference data: provinces"),
    "v1_provinces_retrieve": allow("reference data: provinces"),
    "v1_regencies_list": allow("reference data: regencies and cities"),
    "v1_regencies_retrieve": allow("reference data: regencies and cities"),
    "v1_editions_list": allow("reference data: editions and their dates"),
    "v1_editions_retrieve": allow("reference data: editions and their dates"),
    "v1_categories_list": allow("reference data: award categories"),
    "v1_categories_retrieve": allow("reference data: award categories"),
    "v1_public_editions_list": allow("the public API: published results"),
    "v1_public_editions_retrieve": allow(
        "the public API: published results only", worlds=PUBLISHED
    ),
    "v1_public_certificates_retrieve": allow("the public API: certificate verification"),
    # The schema describes every route (the public API's users need it) and holds no data;
    # what each route gives is what this list proves, not the schema's secrecy.
    "api-schema": allow("the OpenAPI schema is public: it documents the public API too"),
    "api-docs": allow("the API documentation (Swagger UI) of the public schema"),
    "api-redoc": allow("the API documentation (Redoc) of the public schema"),
    "healthz": allow("liveness check for the load balancer; says only ok or error"),
}

# Anyone signed in, whatever their roles: their own account.
SIGNED_IN = {
    **PUBLIC,
    "dashboard": allow("one's own dashboard: roles and the pages they open"),
    "account_session_extend": allow("staying logged in: one's own session's idle clock", "POST"),
    "account_reauthenticate": allow(
        "confirming one's password before a sensitive change", "GET POST"
    ),
    "account_change_password": allow("changing one's own password", "GET POST"),
    "account_set_password": allow("a redirect to changing one's own password", "GET POST"),
    "account_confirm_login_code": allow(
        "login by code is off: a redirect to the dashboard", "GET POST"
    ),
    "mfa_index": allow("one's own two-factor settings"),
    "mfa_authenticate": allow("second step of a login; signed in: a redirect", "GET POST"),
    "mfa_reauthenticate": allow("confirming one's second factor before a change", "GET POST"),
    "mfa_activate_totp": allow("setting up one's own authenticator app", "GET POST"),
    "mfa_generate_recovery_codes": allow("one's own recovery codes", "GET POST"),
}

# Those who must use two-factor authentication have an authenticator; the page to switch it off
# opens, and refuses (accounts.adapter.MFAAdapter).
MFA_USER = {
    "mfa_deactivate_totp": allow(
        "the page opens; switching a required authenticator off is refused", "GET POST"
    ),
}

# Every role (not a signed-in person without one).
ANY_ROLE = {
    "candidates:nominations_export_xlsx": allow("export of the nominations the user may see"),
    "candidates:nominations_export_csv": allow("export of the nominations the user may see"),
    "v1_branches_list": allow("reference data: branch offices and their regions"),
    "v1_branches_retrieve": allow("reference data: branch offices and their regions"),
    "v1_candidates_list": allow("candidates the user may see (scoped list)"),
    "v1_nominations_list": allow("nominations the user may see (scoped list)"),
}

# ---------------------------------------------------------------------------------------------
# Branch staff: their regions' nominations, whatever the edition


def branch(nominations, candidates, products, imports: bool) -> dict:
    scope = "the branch's own region"
    entries = {
        **SIGNED_IN,
        **ANY_ROLE,
        "candidates:branch_worklist": allow("the branch's worklist"),
        "candidates:register_government": allow("registering a nominee", "GET POST"),
        "candidates:register_business": allow("registering a nominee", "GET POST"),
        "candidates:nomination_detail": allow(f"{scope}: editing", "GET POST", nominations),
        "candidates:nomination_indicators": allow(f"{scope}: live indicators", "POST", nominations),
        "candidates:legal_product_create": allow(
            f"{scope}: adding a legal product (GET: back to the nomination)",
            "GET POST",
            nominations,
        ),
        "candidates:innovation_create": allow(
            f"{scope}: adding an innovation", "POST", nominations
        ),
        "candidates:nomination_submit": allow(f"{scope}: submitting", "POST", nominations),
        "candidates:nomination_withdraw": allow(f"{scope}: withdrawing", "POST", nominations),
        "candidates:nomination_view": allow(f"{scope}: reading", worlds=nominations),
        "candidates:import_start": allow("spreadsheet import for the branch's regions", "GET POST"),
        "candidates:import_template": allow("spreadsheet import template"),
        "v1_candidates_create": allow("registering a candidate (API)", "POST"),
        "v1_candidates_retrieve": allow(f"{scope}: a candidate", worlds=candidates),
        "v1_nominations_create": allow("registering a nomination (API)", "POST"),
        "v1_nominations_retrieve": allow(f"{scope}: reading (API)", worlds=nominations),
        "v1_nominations_figures_partial_update": allow(
            f"{scope}: figures (API)", "PATCH", nominations
        ),
        "v1_nominations_submit_create": allow(f"{scope}: submitting (API)", "POST", nominations),
        "v1_nominations_transitions_list": allow(f"{scope}: history (API)", worlds=nominations),
        "v1_nominations_withdraw_create": allow(f"{scope}: withdrawing (API)", "POST", nominations),
        "v1_nominations_legal_products_list": allow(
            f"{scope}: legal products (API)", worlds=nominations
        ),
        "v1_nominations_legal_products_create": allow(
            f"{scope}: adding a legal product (API)", "POST", nominations
        ),
    }
    if products:
        entries |= {
            "candidates:legal_product_edit": allow(
                f"{scope}: its own legal product (another nomination's is 404)",
                "GET POST",
                products,
            ),
            "candidates:legal_product_delete": allow(
                f"{scope}: its own legal product", "POST", products
            ),
            "candidates:legal_product_document": allow(f"{scope}: a legal product's PDF"),
            "v1_nominations_legal_products_retrieve": allow(
                f"{scope}: its own legal product (API)", worlds=products
            ),
            "v1_nominations_legal_products_partial_update": allow(
                f"{scope}: its own legal product (API)", "PATCH", products
            ),
            "v1_nominations_legal_products_destroy": allow(
                f"{scope}: its own legal product (API)", "DELETE", products
            ),
            "v1_nominations_legal_products_document_retrieve": allow(
                f"{scope}: a legal product's PDF (API)", worlds=products
            ),
        }
    if imports:
        entries |= {
            "candidates:import_job": allow("the branch user's own import"),
            "candidates:import_progress": allow("the branch user's own import"),
            "candidates:import_confirm": allow("the branch user's own import", "POST"),
        }
    return entries


# ---------------------------------------------------------------------------------------------
# Panels and juries: the panels they sit on


def panel_member(panel, own, nominations, candidates, products) -> dict:
    """A provincial panel member or a juror: reads and scores on the panel they sit on, and reads
    the nominations it sees. `panel`: worlds of their panel; `own`: of their panel with its own
    nominee and category; `nominations`: worlds whose nomination they may read."""
    sits = "sits on the panel"
    return {
        **SIGNED_IN,
        **ANY_ROLE,
        "candidates:nomination_view": allow("a nomination the panel sees", worlds=nominations),
        "candidates:legal_product_document": allow("a legal product of a nomination it sees"),
        "scoring:panels": allow("the list of one's panels"),
        "scoring:panel": allow(sits, worlds=panel),
        "scoring:verification": allow(f"{sits}: verification list", worlds=panel),
        "scoring:verify": allow(
            f"{sits}: verifying its nominee (GET: back to the list; another nominee: 404)",
            "GET POST",
            panel,
        ),
        "scoring:verification_correct": allow(
            f"{sits}: GET is a redirect back to the verification list (correcting: the chair)",
            worlds=panel,
        ),
        "scoring:worklist": allow(f"{sits}: one's scoring worklist", worlds=panel),
        "scoring:scoresheet": allow(f"{sits}: one's scoresheet of its nominee", "GET POST", own),
        "scoring:conflicts": allow(f"{sits}: declaring a conflict", "GET POST", panel),
        "scoring:ranking": allow(f"{sits}: the ranking", worlds=panel),
        "scoring:ranking_category": allow(f"{sits}: the ranking of its category", worlds=own),
        "scoring:ranking_xlsx": allow(f"{sits}: the ranking of its category", worlds=own),
        "scoring:decision": allow(f"{sits}: decision file of its nominee", worlds=own),
        "scoring:decision_pdf": allow(f"{sits}: decision file of its nominee", worlds=own),
        "v1_candidates_retrieve": allow("a candidate the panel sees", worlds=candidates),
        "v1_nominations_retrieve": allow("a nomination the panel sees", worlds=nominations),
        "v1_nominations_transitions_list": allow("a nomination it sees", worlds=nominations),
        "v1_nominations_legal_products_list": allow("a nomination it sees", worlds=nominations),
        "v1_nominations_legal_products_retrieve": allow("a nomination it sees", worlds=products),
        "v1_nominations_legal_products_document_retrieve": allow(
            "a nomination it sees", worlds=products
        ),
        "v1_scoring_panels_list": allow("the list of one's panels"),
        "v1_scoring_panels_retrieve": allow(sits, worlds=panel),
        "v1_scoring_panels_verifications_list": allow(sits, worlds=panel),
        "v1_scoring_panels_verifications_create": allow(sits, "POST", panel),
        "v1_scoring_panels_scoresheets_list": allow(f"{sits}: one's scoresheets", worlds=panel),
        "v1_scoring_panels_scoresheets_retrieve": allow(f"{sits}: one's scoresheet", worlds=own),
        "v1_scoring_panels_scoresheets_update": allow(f"{sits}: one's scoresheet", "PUT", own),
        "v1_scoring_panels_rankings_list": allow(sits, worlds=panel),
        "v1_scoring_panels_rankings_retrieve": allow(sits, worlds=own),
        "v1_scoring_panels_conflicts_list": allow(sits, worlds=panel),
        "v1_scoring_panels_conflicts_create": allow(f"{sits}: declaring a conflict", "POST", panel),
        "v1_scoring_panels_decisions_retrieve": allow(
            f"{sits}: decision file of its nominee", worlds=own
        ),
    }


def chair_extras(own, ties, panel) -> dict:
    """What a chair adds: finalising and reopening rankings, ordering ties, the assessors'
    agreement and a nomination's audit record."""
    chairs = "chairs the panel"
    return {
        **MFA_USER,
        "scoring:tie_decide": allow(f"{chairs}: ordering a tie", "POST", ties),
        "scoring:finalise": allow(f"{chairs}: finalising", "POST", own),
        "scoring:reopen": allow(f"{chairs}: reopening", "POST", own),
        "scoring:agreement": allow(f"{chairs}: the assessors' agreement", worlds=panel),
        "scoring:verification_correct": allow(
            f"{chairs}: correcting a verification decision of its nominee (GET: back to the "
            "list; another panel's nominee: 404)",
            "GET POST",
            panel,
        ),
        "v1_scoring_panels_verifications_corrections_create": allow(
            f"{chairs}: correcting a verification decision", "POST", panel
        ),
        "v1_scoring_panels_rankings_agreement_retrieve": allow(chairs, worlds=own),
        "v1_scoring_panels_rankings_finalise_create": allow(chairs, "POST", own),
        "v1_scoring_panels_rankings_reopen_create": allow(chairs, "POST", own),
        "v1_scoring_panels_rankings_ties_create": allow(chairs, "POST", own),
    }


def juror(panel, own, nominations, candidates) -> dict:
    """A national juror: a panel member of the jury, plus the national stages."""
    sits = "sits on the jury"
    return {
        **panel_member(panel, own, nominations, candidates, JURY_2020),
        **MFA_USER,
        "candidates:jury_nominations": allow("the jury's nominations"),
        "scoring:interviews": allow(f"{sits}: the interviews", worlds=panel),
        "scoring:final": allow(f"{sits}: the national result", worlds=panel),
        "scoring:final_category": allow(f"{sits}: the national result", worlds=own),
        "scoring:final_confirm": allow(f"{sits}: confirming the result", "POST", own),
        "scoring:awards": allow(f"{sits}: the awards", worlds=panel),
        "v1_scoring_panels_rankings_confirm_create": allow(
            f"{sits}: confirming the result", "POST", own
        ),
        "v1_scoring_panels_interviews_list": allow(sits, worlds=panel),
        "v1_scoring_panels_interviews_retrieve": allow(sits, worlds=own),
        "v1_scoring_panels_awards_list": allow(sits, worlds=panel),
    }


PANEL_JABAR = {
    **panel_member(
        JABAR_2018_PANEL, JABAR_2018, KOTA_BEKASI, KOTA_BEKASI_CANDIDATE, KOTA_BEKASI_2020
    ),
    "candidates:panel_nominations": allow("the panel's nominations (Jawa Barat 2018, 2020)"),
}

CHAIR_JABAR = {
    **PANEL_JABAR,
    **chair_extras(JABAR_2018, JABAR_2018, JABAR_2018_PANEL),
    "candidates:nomination_record": allow(
        "chairs Jawa Barat's panel: the audit record of its nominations", worlds=KOTA_BEKASI
    ),
}

JURY_CHAIR = {
    **juror(JURY_PANELS, JURIES_OWN, JURIES_OWN, NATIONAL_CANDIDATES),
    **chair_extras(JURIES_OWN, JURY_2020, JURY_PANELS),
    "candidates:nomination_record": allow(
        "chairs the jury: the audit record of its nominees", worlds=JURIES_OWN
    ),
    "scoring:interview": allow("chairs the jury: scheduling and recording", "GET POST", JURIES_OWN),
    "scoring:final_ties": allow("chairs the jury: ordering a tie", "POST", JURY_2020),
    "scoring:final_finalise": allow("chairs the jury: finalising", "POST", JURIES_OWN),
    "scoring:final_reopen": allow("chairs the jury: reopening", "POST", JURIES_OWN),
    "scoring:awards": allow(
        "chairs the jury: the awards and special awards", "GET POST", JURY_PANELS
    ),
    "scoring:award_withdraw": allow("chairs the jury: withdrawing an award", "POST", JURY_2020),
    "v1_scoring_panels_interviews_record_update": allow("chairs the jury", "PUT", JURIES_OWN),
    "v1_scoring_panels_interviews_schedule_update": allow("chairs the jury", "PUT", JURIES_OWN),
    "v1_scoring_panels_awards_create": allow(
        "chairs the jury: special awards", "POST", JURY_PANELS
    ),
    "v1_scoring_panels_awards_withdraw_create": allow("chairs the jury", "POST", JURY_2020),
}

# ---------------------------------------------------------------------------------------------
# The auditor (all editions): reads everything, changes nothing

AUDITOR = {
    **SIGNED_IN,
    **ANY_ROLE,
    "candidates:audit_nominations": allow("audits every edition: all nominations"),
    "candidates:nomination_view": allow("audits every edition: any nomination"),
    "candidates:nomination_record": allow("audits every edition: any audit record"),
    "candidates:legal_product_document": allow("audits every edition: any document"),
    "scoring:panels": allow("audits every edition: every panel"),
    "scoring:panel": allow("audits every edition: every panel"),
    "scoring:verification": allow("audits every edition: read only"),
    "scoring:verify": allow("read only: GET is a redirect back to the list"),
    "scoring:verification_correct": allow("read only: GET is a redirect back to the list"),
    "scoring:conflicts": allow("audits every edition: conflicts, read only"),
    "scoring:ranking": allow("audits every edition: rankings, read only"),
    "scoring:ranking_category": allow("a panel's own category, read only", worlds=OWN),
    "scoring:ranking_xlsx": allow("a panel's own category, read only", worlds=OWN),
    "scoring:agreement": allow("audits every edition: the assessors' agreement"),
    "scoring:decision": allow("audits every edition: decision files", worlds=OWN),
    "scoring:decision_pdf": allow("audits every edition: decision files", worlds=OWN),
    "scoring:interviews": allow("the juries' interviews, read only", worlds=JURY_PANELS),
    "scoring:final": allow("the national results, read only", worlds=JURY_PANELS),
    "scoring:final_category": allow("the national results, read only", worlds=JURIES_OWN),
    "scoring:awards": allow("the awards, read only", worlds=JURY_PANELS),
    "v1_candidates_retrieve": allow("audits every edition"),
    "v1_nominations_retrieve": allow("audits every edition"),
    "v1_nominations_transitions_list": allow("audits every edition"),
    "v1_nominations_legal_products_list": allow("audits every edition"),
    "v1_nominations_legal_products_retrieve": allow(
        "audits every edition", worlds=KOTA_BEKASI_2020
    ),
    "v1_nominations_legal_products_document_retrieve": allow(
        "audits every edition", worlds=KOTA_BEKASI_2020
    ),
    "v1_scoring_panels_list": allow("audits every edition"),
    "v1_scoring_panels_retrieve": allow("audits every edition"),
    "v1_scoring_panels_verifications_list": allow("audits every edition"),
    "v1_scoring_panels_scoresheets_retrieve": allow("every score, read only", worlds=OWN),
    "v1_scoring_panels_rankings_list": allow("audits every edition"),
    "v1_scoring_panels_rankings_retrieve": allow("audits every edition", worlds=OWN),
    "v1_scoring_panels_rankings_agreement_retrieve": allow("audits every edition", worlds=OWN),
    "v1_scoring_panels_conflicts_list": allow("audits every edition"),
    "v1_scoring_panels_interviews_list": allow("audits every edition", worlds=JURY_PANELS),
    "v1_scoring_panels_interviews_retrieve": allow("audits every edition", worlds=JURIES_OWN),
    "v1_scoring_panels_awards_list": allow("audits every edition", worlds=JURY_PANELS),
    "v1_scoring_panels_decisions_retrieve": allow("audits every edition", worlds=OWN),
}

# ---------------------------------------------------------------------------------------------
# The national admin (secretariat): everything but scoring in someone's place

SECRETARIAT = "the secretariat"
ADMIN = {
    **SIGNED_IN,
    **ANY_ROLE,
    **MFA_USER,
    **{
        key: allow(f"{SECRETARIAT}: every region and edition", entry_methods)
        for key, entry_methods in {
            "candidates:branch_worklist": "GET",
            "candidates:register_government": "GET POST",
            "candidates:register_business": "GET POST",
            "candidates:nomination_detail": "GET POST",
            "candidates:nomination_indicators": "POST",
            "candidates:legal_product_create": "GET POST",
            "candidates:innovation_create": "POST",
            "candidates:nomination_submit": "POST",
            "candidates:nomination_withdraw": "POST",
            "candidates:nomination_view": "GET",
            "candidates:nomination_record": "GET",
            "candidates:legal_product_document": "GET",
            "candidates:panel_nominations": "GET",
            "candidates:jury_nominations": "GET",
            "candidates:audit_nominations": "GET",
            "candidates:secretariat": "GET",
            "candidates:import_start": "GET POST",
            "candidates:import_template": "GET",
            "candidates:import_job": "GET",
            "candidates:import_progress": "GET",
            "candidates:import_confirm": "POST",
            "scoring:panels": "GET",
            "scoring:panel": "GET",
            "scoring:verification": "GET",
            "scoring:conflicts": "GET",
            "scoring:ranking": "GET",
            "scoring:agreement": "GET",
            "ceremonies:index": "GET",
            "ceremonies:edition": "GET",
            "ceremonies:publish": "GET POST",
            "ceremonies:ceremony_create": "GET POST",
            "ceremonies:ceremony": "GET",
            "ceremonies:ceremony_edit": "GET POST",
            "ceremonies:certificates_issue": "GET POST",
            "ceremonies:certificates_rerender": "GET POST",
            "ceremonies:batch": "GET",
            "ceremonies:batch_progress": "GET",
            "ceremonies:batch_zip": "GET",
            "ceremonies:certificate_pdf": "GET",
            "ceremonies:certificate_revoke": "GET POST",
            "v1_candidates_create": "POST",
            "v1_candidates_retrieve": "GET",
            "v1_nominations_create": "POST",
            "v1_nominations_retrieve": "GET",
            "v1_nominations_figures_partial_update": "PATCH",
            "v1_nominations_submit_create": "POST",
            "v1_nominations_transitions_list": "GET",
            "v1_nominations_withdraw_create": "POST",
            "v1_nominations_legal_products_list": "GET",
            "v1_nominations_legal_products_create": "POST",
            "v1_scoring_panels_list": "GET",
            "v1_scoring_panels_retrieve": "GET",
            "v1_scoring_panels_verifications_list": "GET",
            "v1_scoring_panels_verifications_create": "POST",
            "v1_scoring_panels_verifications_corrections_create": "POST",
            "v1_scoring_panels_rankings_list": "GET",
            "v1_scoring_panels_conflicts_list": "GET",
        }.items()
    },
    "scoring:verify": allow(
        f"{SECRETARIAT}: verifies for any panel (another panel's nominee: 404 on POST)",
        "GET POST",
        worlds=None,
    ),
    "scoring:verification_correct": allow(
        f"{SECRETARIAT}: corrects a verification decision for any panel (another panel's "
        "nominee: 404 on POST)",
        "GET POST",
        worlds=None,
    ),
    **{
        key: allow(
            f"{SECRETARIAT}: a nomination's own legal product", entry_methods, KOTA_BEKASI_2020
        )
        for key, entry_methods in {
            "candidates:legal_product_edit": "GET POST",
            "candidates:legal_product_delete": "POST",
            "v1_nominations_legal_products_retrieve": "GET",
            "v1_nominations_legal_products_partial_update": "PATCH",
            "v1_nominations_legal_products_destroy": "DELETE",
            "v1_nominations_legal_products_document_retrieve": "GET",
        }.items()
    },
    **{
        key: allow(f"{SECRETARIAT}: a panel's own category or nominee", entry_methods, OWN)
        for key, entry_methods in {
            "scoring:ranking_category": "GET",
            "scoring:ranking_xlsx": "GET",
            "scoring:tie_decide": "POST",
            "scoring:finalise": "POST",
            "scoring:reopen": "POST",
            "scoring:decision": "GET",
            "scoring:decision_pdf": "GET",
            "v1_scoring_panels_scoresheets_retrieve": "GET",
            "v1_scoring_panels_rankings_retrieve": "GET",
            "v1_scoring_panels_rankings_agreement_retrieve": "GET",
            "v1_scoring_panels_rankings_finalise_create": "POST",
            "v1_scoring_panels_rankings_reopen_create": "POST",
            "v1_scoring_panels_rankings_ties_create": "POST",
            "v1_scoring_panels_decisions_retrieve": "GET",
        }.items()
    },
    **{
        key: allow(f"{SECRETARIAT}: the juries' national stages", entry_methods, JURY_PANELS)
        for key, entry_methods in {
            "scoring:interviews": "GET",
            "scoring:final": "GET",
            "scoring:awards": "GET POST",
            "v1_scoring_panels_interviews_list": "GET",
            "v1_scoring_panels_awards_list": "GET",
            "v1_scoring_panels_awards_create": "POST",
        }.items()
    },
    **{
        key: allow(f"{SECRETARIAT}: a jury's own nominee or category", entry_methods, JURIES_OWN)
        for key, entry_methods in {
            "scoring:interview": "GET POST",
            "scoring:final_category": "GET",
            "scoring:final_ties": "POST",
            "scoring:final_finalise": "POST",
            "scoring:final_reopen": "POST",
            "v1_scoring_panels_interviews_retrieve": "GET",
            "v1_scoring_panels_interviews_record_update": "PUT",
            "v1_scoring_panels_interviews_schedule_update": "PUT",
        }.items()
    },
    "scoring:award_withdraw": allow(f"{SECRETARIAT}: withdrawing an award", "POST", JURY_2020),
    "v1_scoring_panels_awards_withdraw_create": allow(f"{SECRETARIAT}", "POST", JURY_2020),
    # The Django admin is the secretariat's alone (is_staff is given to national admins only).
    "admin:*": allow(f"{SECRETARIAT}: the Django admin", "GET POST"),
    "admin/*": allow(f"{SECRETARIAT}: the Django admin's object links (redirects)"),
}

# Roles that need not use two-factor authentication at once hold personal API tokens (issue 24):
# the list, and creating (an empty form: 400) or revoking one of their own.
API_TOKEN_HOLDER = {
    "account_api_tokens": allow("one's own API tokens: list, create, revoke", "GET POST"),
}

ALLOWLIST = {
    ANONYMOUS: PUBLIC,
    NO_ROLE: SIGNED_IN,
    "admin@paritrana.test": ADMIN,
    "cabang.gorontalo@paritrana.test": {
        **branch(GORONTALO, GORONTALO_CANDIDATE, (), imports=True),
        **API_TOKEN_HOLDER,
    },
    "cabang.bekasi@paritrana.test": {
        **branch(KOTA_BEKASI, KOTA_BEKASI_CANDIDATE, KOTA_BEKASI_2020, imports=False),
        **API_TOKEN_HOLDER,
    },
    "panel.jabar@paritrana.test": {**PANEL_JABAR, **API_TOKEN_HOLDER},
    "ketua.panel.jabar@paritrana.test": CHAIR_JABAR,
    "juri@paritrana.test": juror(JURY_PANELS, JURIES_OWN, JURIES_OWN, NATIONAL_CANDIDATES),
    "juri.kemendagri@paritrana.test": juror(
        JURY_2020_PANEL, JURY_2020, JURY_2020, KOTA_BEKASI_CANDIDATE
    ),
    "ketua.juri@paritrana.test": JURY_CHAIR,
    "auditor@paritrana.test": {**AUDITOR, **API_TOKEN_HOLDER},
}
