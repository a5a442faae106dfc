/*
 * embed.c - the order templates (data/templates/) and examples (data/examples/) built into the binary with the
 * assembler's .incbin, so fagpt works from any folder. A new template file needs a line here; the Makefile
 * rebuilds this file when any of them changes. orders_opts.template_dir overrides them at run time.
 */
#include "orders_int.h"

#include <string.h>

/* Each file becomes a NUL-terminated read-only array named sym. Paths are relative to the repository root,
 * where make runs the compiler. */
#define EMBED(sym, path) \
    __asm__(".section .rodata\n.globl " #sym "\n.type " #sym ", @object\n" #sym ":\n" \
            ".incbin \"" path "\"\n.byte 0\n.size " #sym ", .-" #sym "\n.previous\n"); \
    extern const char sym[];

#define FILES(X) \
    X(fagpt_t_opord_md, "templates/opord.md") X(fagpt_t_opord_txt, "templates/opord.txt") \
    X(fagpt_t_warno_md, "templates/warno.md") X(fagpt_t_warno_txt, "templates/warno.txt") \
    X(fagpt_t_frago_md, "templates/frago.md") X(fagpt_t_frago_txt, "templates/frago.txt") \
    X(fagpt_t_cff_md, "templates/cff.md") X(fagpt_t_cff_txt, "templates/cff.txt") \
    X(fagpt_t_fire_order_md, "templates/fire-order.md") X(fagpt_t_fire_order_txt, "templates/fire-order.txt") \
    X(fagpt_t_mto_md, "templates/mto.md") X(fagpt_t_mto_txt, "templates/mto.txt") \
    X(fagpt_t_target_list_md, "templates/target-list.md") X(fagpt_t_target_list_txt, "templates/target-list.txt") \
    X(fagpt_t_fsplan_md, "templates/fsplan.md") X(fagpt_t_fsplan_txt, "templates/fsplan.txt") \
    X(fagpt_t_signature_md, "templates/signature.md") X(fagpt_t_signature_txt, "templates/signature.txt") \
    X(fagpt_t_page_html, "templates/page.html") \
    X(fagpt_e_opord, "examples/opord.json") X(fagpt_e_warno, "examples/warno.json") \
    X(fagpt_e_frago, "examples/frago.json") X(fagpt_e_cff, "examples/cff.json") \
    X(fagpt_e_fire_order, "examples/fire-order.json") X(fagpt_e_mto, "examples/mto.json") \
    X(fagpt_e_target_list, "examples/target-list.json") X(fagpt_e_fsplan, "examples/fsplan.json")

#define DECLARE(sym, name) EMBED(sym, "data/" name)
FILES(DECLARE)

static const struct {
    const char *name, *text;
} files[] = {
#define ENTRY(sym, name) {name, sym},
    FILES(ENTRY)
};

const char *orders_embedded(const char *name)
{
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (!strcmp(files[i].name, name))
            return files[i].text;
    return NULL;
}
