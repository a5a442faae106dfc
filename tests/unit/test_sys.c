/* test_sys.c - the doctor's parts: gfx target names, HSA_OVERRIDE_GFX_VERSION, network filesystem types, KFD
 * parsing of good and garbage fixture trees, and a whole report that is valid JSON. */
#include "check.h"
#include "core/json.h"
#include "sys/internal.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *root, const char *rel, const char *text)
{
    char *p = xasprintf("%s%s", root, rel);
    char *dir = xstrdup(p);
    *strrchr(dir, '/') = 0;
    fa_mkdirs(dir, NULL);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    free(dir);
    free(p);
}

static const sys_finding *find(const sys_report *r, const char *code)
{
    for (size_t i = 0; i < r->findings.n; i++)
        if (!strcmp(r->findings.v[i].code, code))
            return &r->findings.v[i];
    return NULL;
}

int main(void)
{
    char g[16];
    CHECK(sys_gfx_name(100301, g) && !strcmp(g, "gfx1031"));
    CHECK(sys_gfx_name(90010, g) && !strcmp(g, "gfx90a"));
    CHECK(sys_gfx_name(90012, g) && !strcmp(g, "gfx90c"));
    CHECK(sys_gfx_name(110000, g) && !strcmp(g, "gfx1100"));
    CHECK(!sys_gfx_name(0, g) && !sys_gfx_name(99999999, g) && !sys_gfx_name(91600, g));
    CHECK(sys_parse_gfx_override("10.3.0") == 100300);
    CHECK(sys_parse_gfx_override("9.0.10") == 90010);
    CHECK(sys_parse_gfx_override("10.3") == -1 && sys_parse_gfx_override("10.3.0 ") == -1 &&
          sys_parse_gfx_override("") == -1 && sys_parse_gfx_override(NULL) == -1 &&
          sys_parse_gfx_override("0.0.0") == -1 && sys_parse_gfx_override("-1.3.0") == -1);
    CHECK_STR(sys_gfx_override_for("gfx1031"), "10.3.0");
    CHECK_STR(sys_gfx_override_for("gfx1032"), "10.3.0");
    CHECK_STR(sys_gfx_override_for("gfx1103"), "11.0.0");
    CHECK(sys_gfx_override_for("gfx1030") == NULL && sys_gfx_override_for("gfx90a") == NULL &&
          sys_gfx_override_for("gfx1010") == NULL);

    CHECK_STR(sys_network_fs_name(0x6969), "NFS");
    CHECK_STR(sys_network_fs_name((long)0xFF534D42), "CIFS/SMB");
    CHECK_STR(sys_network_fs_name((long)0xFE534D42), "CIFS/SMB");
    CHECK(sys_network_fs_name(0x65735546) != NULL);
    CHECK(sys_network_fs_name(0xEF53) == NULL && sys_network_fs_name(0x01021994) == NULL); /* ext4, tmpfs */
    sys_fs fs;
    sys_fs_probe("/tmp/no/such/folder/below", &fs);
    CHECK(!fs.exists && !fs.readonly);

    char tmpl[] = "/tmp/fagpt-test-sys-XXXXXX";
    char *root = mkdtemp(tmpl);
    CHECK(root != NULL);
    const char *nodes = "/sys/class/kfd/kfd/topology/nodes";
    char *p;
    put(root, (p = xasprintf("%s/0/properties", nodes)), "cpu_cores_count 8\nsimd_count 0\ngfx_target_version 0\n");
    free(p);
    put(root, (p = xasprintf("%s/1/properties", nodes)),
        "simd_count 80\ngfx_target_version 100301\nvendor_id 4098\ndevice_id 29663\nsimd_per_cu 2\n");
    free(p);
    put(root, (p = xasprintf("%s/1/mem_banks/0/properties", nodes)), "heap_type 1\nsize_in_bytes 12868124672\n");
    free(p);
    put(root, (p = xasprintf("%s/1/mem_banks/1/properties", nodes)), "heap_type 0\nsize_in_bytes 999\n");
    free(p);
    put(root, (p = xasprintf("%s/2/properties", nodes)), "simd_count 80\ngfx_target_version 1x\nvendor_id 4098\n");
    free(p);
    put(root, (p = xasprintf("%s/3/properties", nodes)), "simd_count");
    free(p);
    put(root, "/opt/rocm/.info/version", "6.2.4\n");
    setenv("FAGPT_SYSFS_ROOT", root, 1);
    unsetenv("HSA_OVERRIDE_GFX_VERSION");

    sys_report r = {0};
    sys_check_gpus(&r);
    CHECK(r.gpus.n == 1);
    CHECK_STR(r.gpus.v[0].gfx, "gfx1031");
    CHECK_STR(r.gpus.v[0].name, "AMD Radeon RX 6700 XT");
    CHECK(r.gpus.v[0].vram == 12868124672ull && r.gpus.v[0].compute_units == 40);
    CHECK_STR(r.rocm_version, "6.2.4");
    CHECK(find(&r, "gpu.override_needed") && find(&r, "gpu.override_needed")->severity == SYS_WARN);
    CHECK(find(&r, "gpu.kfd_garbage") != NULL);
    CHECK(r.env.n == 1 && !strcmp(r.env.v[0], "HSA_OVERRIDE_GFX_VERSION=10.3.0"));
    sys_report_free(&r);

    setenv("HSA_OVERRIDE_GFX_VERSION", "10.3.0", 1);
    sys_check_gpus(&r);
    CHECK_STR(r.gpus.v[0].run_as, "gfx1030");
    CHECK(find(&r, "gpu.amd") && !find(&r, "gpu.override_needed") && r.env.n == 0);
    sys_report_free(&r);

    /* The whole doctor, with no model server listening: a report that is valid JSON. */
    char *home = xasprintf("%s/home", root);
    fa_mkdirs(home, NULL);
    setenv("HOME", home, 1);
    setenv("TMPDIR", home, 1);
    setenv("OLLAMA_HOST", "127.0.0.1:9", 1);
    unsetenv("OPENAI_BASE_URL");
    sys_options o = {.home = home, .timeout_ms = 300};
    int rc = sys_doctor(&o, &r);
    CHECK(rc == 1 && sys_worst(&r) == SYS_ERROR && find(&r, "server.down"));
    strbuf b = {0};
    sys_report_json(&r, &b);
    fa_err e;
    json_value *v = json_parse(b.s, b.len, &e);
    CHECK(v && json_get_bool(v, "ok", true) == false);
    CHECK_STR(json_get_str(json_at(json_get(v, "gpus"), 0), "gfx", NULL), "gfx1031");
    CHECK(json_get(v, "miopen") && json_get(v, "miopen")->n == 2);
    json_free(v);
    sb_free(&b);
    sys_report_free(&r);

    char *cmd = xasprintf("rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    free(cmd);
    free(home);
    return check_done();
}
