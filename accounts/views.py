from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from paritrana.navigation import visible_items

from .enums import JURY_ROLES, PANEL_ROLES, Role
from .forms import ApiTokenForm
from .mfa import session_passed_mfa
from .rules import assignments_of
from .selectors import api_tokens_of
from .services import api_token_create, api_token_revoke
from .sessions import session_extend


class DashboardView(PermissionRequiredMixin, TemplateView):
    """Where a person lands after login: their roles, the pages those roles open, and per role
    what they watch: branch staff their nominations and what is due; panel and jury members the
    scoring progress (chairs: ties, missing scoresheets, disagreement; the jury: the finalists'
    interviews); the secretariat the edition's stages and every province's nominations."""

    template_name = "accounts/dashboard.html"
    permission_required = "accounts.view_dashboard"

    def get_context_data(self, **kwargs):
        # The higher apps' reads, imported here: accounts is the lowest app.
        from candidates.dashboard import branch_dashboard, national_progress
        from scoring.dashboard import scoring_dashboard

        user = self.request.user
        pages = [i for i in visible_items(user) if i["url_name"] not in ("home", "dashboard")]
        context = {"assignments": assignments_of(user), "pages": pages}
        if assignments_of(user, Role.BRANCH_STAFF):
            context["branch"] = branch_dashboard(user)
        if assignments_of(user, *PANEL_ROLES, *JURY_ROLES):
            context["panels"] = scoring_dashboard(user)
        if assignments_of(user, Role.NATIONAL_ADMIN):
            context["national"] = national_progress()
        return super().get_context_data(**context, **kwargs)


class ApiTokensView(PermissionRequiredMixin, TemplateView):
    """One's own API tokens (issue 24): the list (name, prefix, scope, edition, created,
    expires, last used; never the secret), a form to create one, whose secret the answer shows
    this once, and revoking. Creating and revoking need a session that passed two-factor
    authentication (the page itself is open during the grace period)."""

    template_name = "accounts/api_tokens.html"
    permission_required = "accounts.manage_api_tokens"

    def get_context_data(self, **kwargs):
        context = {
            "tokens": api_tokens_of(self.request.user),
            "now": timezone.now(),
            "mfa_passed": session_passed_mfa(self.request, self.request.user),
        }
        context.setdefault("form", ApiTokenForm())
        return super().get_context_data(**{**context, **kwargs})

    def post(self, request, *args, **kwargs):
        if not session_passed_mfa(request, request.user):
            raise PermissionDenied(
                _(
                    "Set up two-factor authentication first: API tokens are created and revoked "
                    "only after logging in with a code."
                )
            )
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                raise Http404 from None
            token = api_token_revoke(user=request.user, token_id=token_id)
            messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
            return redirect("account_api_tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            token, secret = api_token_create(user=request.user, **form.cleaned_data)
            return self.render_to_response(
                self.get_context_data(form=ApiTokenForm(), created=token, secret=secret)
            )
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_POST
def session_extend_view(request):
    """'Stay logged in' (static/js/session.js): the idle clock of this session starts again.
    Answers how many seconds the session has left; 403 when it has already ended (the
    middleware logged the person out before this view ran)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Your session has ended. Log in again.")}, status=403)
    return JsonResponse({"seconds_left": session_extend(request.session)})
