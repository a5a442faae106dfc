/* catalog.c - the projectile and weapon catalogue (data/fires/catalog.json): public nominal values, each entry
 * with its source; projectiles reference drag tables by name (data/fires/drag/, or the user's folders). */
#include "fires/fires.h"
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double fires_form_factor_from_bc(double bc_lb_in2, double mass_kg, double diameter_m)
{
    /* BC = m / (i d^2) with m in lb and d in inches (McCoy ch. 2, eq. for the ballistic coefficient) */
    double m_lb = mass_kg / 0.45359237, d_in = diameter_m / 0.0254;
    return m_lb / (d_in * d_in) / bc_lb_in2;
}

void fires_projectile_free(fires_projectile *p)
{
    fires_drag_free(&p->drag);
    fires_aero_free(&p->aero);
}

void fires_catalog_free(fires_catalog *c)
{
    free(c->weapons.v);
    free(c->projs);
    memset(c, 0, sizeof *c);
}

static int num_field(const json_value *o, const char *key, const char *what, double lo, double hi, double *out,
                     fa_err *e)
{
    const json_value *v = json_get(o, key);
    if (!v || v->type != JSON_NUMBER || !isfinite(v->num))
        return fa_fail(e, "catalogue %s: \"%s\" must be a number", what, key);
    if (v->num < lo || v->num > hi)
        return fa_fail(e, "catalogue %s: \"%s\" = %g is outside %g .. %g", what, key, v->num, lo, hi);
    *out = v->num;
    return 0;
}

int fires_catalog_load(const char *path, fires_catalog *c, fa_err *e)
{
    memset(c, 0, sizeof *c);
    size_t len;
    char *text = fa_read_file(path, &len, e);
    if (!text)
        return -1;
    json_value *root = json_parse(text, len, e);
    free(text);
    if (!root)
        return fa_fail(e, "%s: %s", path, e->msg);
    int rc = -1;
    const json_value *ws = json_get(root, "weapons"), *ps = json_get(root, "projectiles");
    if (!ws || ws->type != JSON_ARRAY || !ps || ps->type != JSON_ARRAY) {
        fa_fail(e, "%s: needs arrays \"weapons\" and \"projectiles\"", path);
        goto out;
    }
    for (size_t i = 0; i < ws->n; i++) {
        const json_value *w = json_at(ws, i);
        fires_weapon wp;
        memset(&wp, 0, sizeof wp);
        snprintf(wp.name, sizeof wp.name, "%s", json_get_str(w, "name", ""));
        snprintf(wp.caliber, sizeof wp.caliber, "%s", json_get_str(w, "caliber", ""));
        snprintf(wp.source, sizeof wp.source, "%s", json_get_str(w, "source", ""));
        char what[64];
        snprintf(what, sizeof what, "weapon '%s'", wp.name);
        if (!wp.name[0]) {
            fa_fail(e, "%s: weapon %zu has no name", path, i + 1);
            goto out;
        }
        if (num_field(w, "min_elev_mils", what, -400, 1600, &wp.min_elev_mils, e) ||
            num_field(w, "max_elev_mils", what, -400, 1600, &wp.max_elev_mils, e))
            goto out;
        const json_value *ch = json_get(w, "charges");
        if (!ch || ch->type != JSON_ARRAY || !ch->n || ch->n > FIRES_MAX_CHARGES) {
            fa_fail(e, "catalogue %s: \"charges\" must list 1..%d charges", what, FIRES_MAX_CHARGES);
            goto out;
        }
        for (size_t k = 0; k < ch->n; k++) {
            const json_value *cv = json_at(ch, k);
            snprintf(wp.charge[k].name, sizeof wp.charge[k].name, "%s", json_get_str(cv, "name", ""));
            if (num_field(cv, "mv", what, 10, 3000, &wp.charge[k].mv, e))
                goto out;
        }
        wp.ncharges = (int)ch->n;
        VEC_PUSH(c->weapons, wp);
    }
    c->projs = xcalloc(ps->n ? ps->n : 1, sizeof *c->projs);
    for (size_t i = 0; i < ps->n; i++) {
        const json_value *p = json_at(ps, i);
        struct fires_cat_proj *cp = &c->projs[i];
        snprintf(cp->name, sizeof cp->name, "%s", json_get_str(p, "name", ""));
        snprintf(cp->caliber, sizeof cp->caliber, "%s", json_get_str(p, "caliber", ""));
        snprintf(cp->drag, sizeof cp->drag, "%s", json_get_str(p, "drag", ""));
        snprintf(cp->source, sizeof cp->source, "%s", json_get_str(p, "source", ""));
        char what[96];
        snprintf(what, sizeof what, "projectile '%s'", cp->name);
        if (num_field(p, "mass_kg", what, 0.001, 2000, &cp->mass_kg, e) ||
            num_field(p, "diameter_m", what, 0.001, 1, &cp->diameter_m, e) ||
            num_field(p, "form_factor", what, 0.05, 20, &cp->form_factor, e))
            goto out;
        cp->square_kg = json_get_num(p, "square_kg", 0);
        snprintf(cp->aero, sizeof cp->aero, "%s", json_get_str(p, "aero", ""));
        cp->ix_kg_m2 = json_get_num(p, "ix_kg_m2", 0);
        cp->iy_kg_m2 = json_get_num(p, "iy_kg_m2", 0);
        cp->twist_m = json_get_num(p, "twist_m", 0);
        if (!isfinite(cp->ix_kg_m2) || cp->ix_kg_m2 < 0 || !isfinite(cp->iy_kg_m2) || cp->iy_kg_m2 < 0 ||
            !isfinite(cp->twist_m)) {
            fa_fail(e, "catalogue %s: \"ix_kg_m2\", \"iy_kg_m2\" and \"twist_m\" must be finite (moments >= 0)", what);
            goto out;
        }
        c->nprojs++;
    }
    rc = 0;
out:
    json_free(root);
    if (rc)
        fires_catalog_free(c);
    return rc;
}

const fires_weapon *fires_catalog_weapon(const fires_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->weapons.n; i++)
        if (!strcasecmp(c->weapons.v[i].name, name))
            return &c->weapons.v[i];
    return NULL;
}

const struct fires_cat_proj *fires_catalog_proj(const fires_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nprojs; i++)
        if (!strcasecmp(c->projs[i].name, name))
            return &c->projs[i];
    return NULL;
}

const fires_charge *fires_weapon_charge(const fires_weapon *w, const char *name)
{
    for (int i = 0; i < w->ncharges; i++)
        if (!strcasecmp(w->charge[i].name, name))
            return &w->charge[i];
    return NULL;
}

int fires_catalog_projectile(const fires_catalog *c, const char *name, const char *const *dirs,
                             fires_projectile *p, fa_err *e)
{
    memset(p, 0, sizeof *p);
    const struct fires_cat_proj *cp = fires_catalog_proj(c, name);
    if (!cp) {
        strbuf b = {0};
        for (size_t i = 0; i < c->nprojs; i++)
            sb_addf(&b, "%s%s", i ? ", " : "", c->projs[i].name);
        fa_fail(e, "--projectile: '%s' is not in the catalogue (known: %s)", name, b.s ? b.s : "none");
        sb_free(&b);
        return -1;
    }
    snprintf(p->name, sizeof p->name, "%s", cp->name);
    p->mass_kg = cp->mass_kg;
    p->diameter_m = cp->diameter_m;
    p->form_factor = cp->form_factor;
    p->ix_kg_m2 = cp->ix_kg_m2;
    p->iy_kg_m2 = cp->iy_kg_m2;
    p->twist_m = cp->twist_m;
    if (fires_drag_find(cp->drag, dirs, &p->drag, e) != 0)
        return -1;
    if (cp->aero[0] && fires_aero_find(cp->aero, dirs, &p->aero, e) != 0) {
        fires_drag_free(&p->drag);
        return -1;
    }
    return 0;
}
