"""Who may do what with ceremonies, publications and certificates (django-rules). The public
site needs no permission; everything else here is the national secretariat's."""

import rules

from accounts.rules import is_national_admin

rules.add_perm("ceremonies.manage_ceremonies", is_national_admin)
