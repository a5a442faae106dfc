/*
 * gpu.c - finding GPUs without vendor SDK headers: NVIDIA through libcuda.so.1 and libnvidia-ml.so.1 loaded at
 * run time, AMD through the KFD topology in sysfs, anything else through a PCI scan; then the ROCm version and
 * HSA_OVERRIDE_GFX_VERSION against the gfx target that was found, and whether /dev/kfd can be opened.
 */
#include "internal.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool sys_gfx_name(unsigned v, char out[16])
{
    unsigned major = v / 10000, minor = v / 100 % 100, step = v % 100;
    if (!major || major > 99 || minor > 9 || step > 15)
        return false;
    snprintf(out, 16, "gfx%u%u%x", major, minor, step);
    return true;
}

long sys_parse_gfx_override(const char *s)
{
    unsigned a, b, c;
    int end = 0;
    if (!s || sscanf(s, "%u.%u.%u%n", &a, &b, &c, &end) != 3 || s[end] || a == 0 || a > 99 || b > 9 || c > 15)
        return -1;
    return (long)(a * 10000 + b * 100 + c);
}

/* Targets ROCm's libraries (rocBLAS, MIOpen) ship kernels for, and the stand-ins for close relatives. */
static const char *const native_targets[] = {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx940", "gfx941",
                                             "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102", "gfx1200",
                                             "gfx1201", NULL};
static const struct {
    const char *prefix, *override;
} substitutes[] = {{"gfx103", "10.3.0"}, {"gfx110", "11.0.0"}, {"gfx90c", "9.0.0"}, {"gfx902", "9.0.0"},
                   {"gfx909", "9.0.0"}};

static bool is_native(const char *gfx)
{
    for (int i = 0; native_targets[i]; i++)
        if (!strcmp(gfx, native_targets[i]))
            return true;
    return false;
}

const char *sys_gfx_override_for(const char *gfx)
{
    if (is_native(gfx))
        return NULL;
    for (size_t i = 0; i < sizeof substitutes / sizeof substitutes[0]; i++)
        if (!strncmp(gfx, substitutes[i].prefix, strlen(substitutes[i].prefix)))
            return substitutes[i].override;
    return NULL;
}

/* Looks up "key value" in a KFD properties text; false when absent or not a number. */
static bool prop(const char *text, const char *key, unsigned long long *out)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, kl) || p[kl] != ' ')
            continue;
        char *end;
        unsigned long long v = strtoull(p + kl + 1, &end, 10);
        if (end == p + kl + 1 || (*end && *end != '\n'))
            return false;
        *out = v;
        return true;
    }
    return false;
}

static const struct {
    unsigned vendor, device;
    const char *name;
} pci_names[] = {
    {0x1002, 0x73df, "AMD Radeon RX 6700 XT"}, {0x1002, 0x73ff, "AMD Radeon RX 6600 XT"},
    {0x1002, 0x73bf, "AMD Radeon RX 6800/6900 XT"}, {0x1002, 0x744c, "AMD Radeon RX 7900 XT/XTX"},
    {0x1002, 0x7480, "AMD Radeon RX 7600"}, {0x1002, 0x740f, "AMD Instinct MI210"},
    {0x1002, 0x740c, "AMD Instinct MI250/MI250X"}, {0x1002, 0x738c, "AMD Instinct MI100"},
    {0x1002, 0x74a1, "AMD Instinct MI300X"}, {0x1002, 0x66af, "AMD Radeon VII"},
};

static const char *vendor_name(unsigned v)
{
    return v == 0x10de ? "NVIDIA" : v == 0x1002 ? "AMD" : v == 0x8086 ? "Intel" : "other";
}

static void name_from_pci(sys_gpu *g, unsigned vendor, unsigned device)
{
    for (size_t i = 0; i < sizeof pci_names / sizeof pci_names[0]; i++)
        if (pci_names[i].vendor == vendor && pci_names[i].device == device) {
            snprintf(g->name, sizeof g->name, "%s", pci_names[i].name);
            return;
        }
    snprintf(g->name, sizeof g->name, "%s GPU %04x:%04x", vendor_name(vendor), vendor, device);
}

static int cmp_node(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int d = atoi(x) - atoi(y);
    return d ? d : strcmp(x, y);
}

/* Names in a folder (without . and ..), sorted by their leading number; NULL when the folder is unreadable. */
static char **list_dir(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    VEC(char *) v = {0};
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_name[0] != '.')
            VEC_PUSH(v, xstrdup(de->d_name));
    closedir(d);
    if (v.n)
        qsort(v.v, v.n, sizeof *v.v, cmp_node);
    *n = v.n;
    VEC_PUSH(v, NULL);
    return v.v;
}

static void free_list(char **l)
{
    for (size_t i = 0; l && l[i]; i++)
        free(l[i]);
    free(l);
}

static uint64_t kfd_vram(const char *node)
{
    char *dir = xasprintf("%s/mem_banks", node);
    size_t n = 0;
    char **banks = list_dir(dir, &n);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s/properties", dir, banks[i]);
        char *text = sys_read(p, false);
        unsigned long long heap, size;
        /* heap types 1 and 2 are the GPU's own memory (public and private frame buffer). */
        if (text && prop(text, "heap_type", &heap) && (heap == 1 || heap == 2) && prop(text, "size_in_bytes", &size))
            total += size;
        free(text);
        free(p);
    }
    free_list(banks);
    free(dir);
    return total;
}

static bool check_kfd(sys_report *r)
{
    char *root = sys_path("/sys/class/kfd/kfd/topology/nodes");
    size_t n = 0;
    char **nodes = list_dir(root, &n);
    bool any = false;
    char *driver = n ? sys_read("/sys/module/amdgpu/version", true) : NULL; /* only DKMS builds have it */
    for (size_t i = 0; i < n; i++) {
        char *node = xasprintf("%s/%s", root, nodes[i]);
        char *pp = xasprintf("%s/properties", node);
        char *text = sys_read(pp, false);
        unsigned long long simd = 0, target = 0, vendor = 0, device = 0, per_cu = 0;
        if (!text) {
            sys_add(r, SYS_WARN, "gpu", "gpu.kfd_unreadable", xasprintf("cannot read %s as text", pp),
                    xstrdup("an AMD GPU behind this KFD node cannot be described"),
                    xstrdup("check that /sys is mounted and readable; run the doctor as the model server's user"));
        } else if (prop(text, "simd_count", &simd) && simd == 0) {
            /* a CPU node */
        } else if (!prop(text, "gfx_target_version", &target) || !prop(text, "vendor_id", &vendor)) {
            sys_add(r, SYS_WARN, "gpu", "gpu.kfd_garbage",
                    xasprintf("%s has no readable gfx_target_version or vendor_id", pp),
                    xstrdup("the amdgpu driver's topology is not in the expected format, so the GPU's target "
                            "cannot be checked against ROCm"),
                    xstrdup("update the amdgpu kernel driver (or ROCm's amdgpu-dkms) and reboot"));
        } else {
            sys_gpu g = {0};
            snprintf(g.vendor, sizeof g.vendor, "%s", vendor_name((unsigned)vendor));
            snprintf(g.source, sizeof g.source, "kfd");
            prop(text, "device_id", &device);
            snprintf(g.pci, sizeof g.pci, "%04llx:%04llx", vendor & 0xffff, device & 0xffff);
            name_from_pci(&g, (unsigned)vendor, (unsigned)device);
            if (!sys_gfx_name((unsigned)target, g.gfx))
                snprintf(g.gfx, sizeof g.gfx, "unknown");
            snprintf(g.run_as, sizeof g.run_as, "%s", g.gfx);
            if (prop(text, "simd_per_cu", &per_cu) && per_cu)
                g.compute_units = (int)(simd / per_cu);
            g.vram = kfd_vram(node);
            snprintf(g.driver, sizeof g.driver, "%s", driver ? fa_trim(driver) : "");
            VEC_PUSH(r->gpus, g);
            any = true;
        }
        free(text);
        free(pp);
        free(node);
    }
    free(driver);
    free_list(nodes);
    free(root);
    return any;
}

/* The CUDA driver API and NVML, declared here: no vendor headers are needed. */
typedef int (*cu_init_fn)(unsigned);
typedef int (*cu_int_fn)(int *);
typedef int (*cu_get_fn)(int *, int);
typedef int (*cu_name_fn)(char *, int, int);
typedef int (*cu_mem_fn)(size_t *, int);
typedef int (*cu_attr_fn)(int *, int, int);
typedef int (*cu_errstr_fn)(int, const char **);
typedef int (*nvml_void_fn)(void);
typedef int (*nvml_str_fn)(char *, unsigned);
typedef int (*nvml_count_fn)(unsigned *);
typedef int (*nvml_handle_fn)(unsigned, void **);
typedef int (*nvml_name_fn)(void *, char *, unsigned);
typedef struct {
    unsigned long long total, free, used;
} nvml_memory;
typedef int (*nvml_mem_fn)(void *, nvml_memory *);

#define CU_ATTR_SM_COUNT 16
#define CU_ATTR_CC_MAJOR 75
#define CU_ATTR_CC_MINOR 76

static void *sym(void *lib, const char *name)
{
    return lib ? dlsym(lib, name) : NULL;
}

/* NVML: the driver version string and each device's memory in use. Returns the number of devices. */
static unsigned nvml_probe(char driver[32], sys_gpu *out, unsigned max, uint64_t *used)
{
    void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    nvml_void_fn init = (nvml_void_fn)sym(lib, "nvmlInit_v2"), shut = (nvml_void_fn)sym(lib, "nvmlShutdown");
    nvml_str_fn ver = (nvml_str_fn)sym(lib, "nvmlSystemGetDriverVersion");
    nvml_count_fn count = (nvml_count_fn)sym(lib, "nvmlDeviceGetCount_v2");
    nvml_handle_fn handle = (nvml_handle_fn)sym(lib, "nvmlDeviceGetHandleByIndex_v2");
    nvml_name_fn name = (nvml_name_fn)sym(lib, "nvmlDeviceGetName");
    nvml_mem_fn mem = (nvml_mem_fn)sym(lib, "nvmlDeviceGetMemoryInfo");
    unsigned n = 0;
    if (init && shut && ver && count && handle && name && mem && init() == 0) {
        if (ver(driver, 32) != 0)
            driver[0] = 0;
        if (count(&n) != 0)
            n = 0;
        for (unsigned i = 0; i < n && i < max; i++) {
            void *h;
            nvml_memory m = {0};
            if (handle(i, &h) != 0)
                continue;
            name(h, out[i].name, sizeof out[i].name);
            if (mem(h, &m) == 0) {
                out[i].vram = m.total;
                used[i] = m.used;
            }
        }
        shut();
    }
    if (lib)
        dlclose(lib);
    return n < max ? n : max;
}

static void check_nvidia(sys_report *r, bool *pci_nvidia_explained)
{
    char driver[32] = "";
    sys_gpu nv[16];
    memset(nv, 0, sizeof nv);
    uint64_t used[16] = {0};
    unsigned nn = nvml_probe(driver, nv, 16, used);
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        if (nn) {
            sys_add(r, SYS_WARN, "gpu", "gpu.cuda_missing",
                    xasprintf("NVML sees %u NVIDIA GPU(s) but libcuda.so.1 cannot be loaded: %s", nn, dlerror()),
                    xstrdup("model servers need the CUDA driver library to run on the GPU"),
                    xstrdup("install the NVIDIA driver's CUDA library (Debian: apt-get install libcuda1)"));
            for (unsigned i = 0; i < nn; i++) {
                snprintf(nv[i].vendor, sizeof nv[i].vendor, "NVIDIA");
                snprintf(nv[i].source, sizeof nv[i].source, "nvml");
                snprintf(nv[i].driver, sizeof nv[i].driver, "%s", driver);
                VEC_PUSH(r->gpus, nv[i]);
            }
            *pci_nvidia_explained = true;
        }
        return;
    }
    cu_init_fn init = (cu_init_fn)sym(lib, "cuInit");
    cu_int_fn version = (cu_int_fn)sym(lib, "cuDriverGetVersion"), count = (cu_int_fn)sym(lib, "cuDeviceGetCount");
    cu_get_fn get = (cu_get_fn)sym(lib, "cuDeviceGet");
    cu_name_fn name = (cu_name_fn)sym(lib, "cuDeviceGetName");
    cu_mem_fn mem = (cu_mem_fn)sym(lib, "cuDeviceTotalMem_v2");
    cu_attr_fn attr = (cu_attr_fn)sym(lib, "cuDeviceGetAttribute");
    cu_errstr_fn errstr = (cu_errstr_fn)sym(lib, "cuGetErrorString");
    int v = 0, n = 0, rc;
    if (!init || !version || !count || !get || !name || !mem || !attr) {
        sys_add(r, SYS_WARN, "gpu", "gpu.cuda_broken", xstrdup("libcuda.so.1 lacks the CUDA driver API"),
                xstrdup("the installed CUDA library is not a usable NVIDIA driver"),
                xstrdup("reinstall the NVIDIA driver"));
    } else if ((rc = init(0)) != 0) {
        const char *msg = NULL;
        if (errstr)
            errstr(rc, &msg);
        *pci_nvidia_explained = rc != 100; /* 100: no device, which the PCI scan may contradict */
        if (rc != 100)
            sys_add(r, SYS_WARN, "gpu", "gpu.cuda_init",
                    xasprintf("cuInit failed with CUDA error %d (%s)", rc, msg ? msg : "unknown"),
                    xstrdup("no model server can use the NVIDIA GPU; models run on the CPU"),
                    xstrdup(rc == 35 || rc == 804 ? "install an NVIDIA driver new enough for this CUDA library"
                                                  : "check `nvidia-smi`; reload the driver (reboot) if it fails"));
    } else {
        version(&v);
        free(r->cuda_driver);
        r->cuda_driver = *driver ? xasprintf("CUDA %d.%d, driver %s", v / 1000, v % 1000 / 10, driver)
                                 : xasprintf("CUDA %d.%d", v / 1000, v % 1000 / 10);
        count(&n);
        for (int i = 0; i < n; i++) {
            int dev, sm = 0, ccmaj = 0, ccmin = 0;
            size_t bytes = 0;
            sys_gpu g = {0};
            if (get(&dev, i) != 0)
                continue;
            snprintf(g.vendor, sizeof g.vendor, "NVIDIA");
            snprintf(g.source, sizeof g.source, "cuda");
            if (name(g.name, sizeof g.name, dev) != 0)
                snprintf(g.name, sizeof g.name, "NVIDIA GPU %d", i);
            mem(&bytes, dev);
            g.vram = bytes;
            attr(&sm, CU_ATTR_SM_COUNT, dev);
            attr(&ccmaj, CU_ATTR_CC_MAJOR, dev);
            attr(&ccmin, CU_ATTR_CC_MINOR, dev);
            g.compute_units = sm;
            snprintf(g.driver, sizeof g.driver, "%s", *driver ? driver : "");
            char sz[32], us[32];
            sys_add(r, SYS_OK, "gpu", "gpu.nvidia",
                    xasprintf("GPU %d: %s, %s memory%s%s%s, compute capability %d.%d, %d SMs; %s", i, g.name,
                              sys_human_size(g.vram, sz), (unsigned)i < nn ? " (" : "",
                              (unsigned)i < nn ? sys_human_size(used[i], us) : "", (unsigned)i < nn ? " in use)" : "",
                              ccmaj, ccmin, sm, r->cuda_driver),
                    NULL, NULL);
            VEC_PUSH(r->gpus, g);
        }
        *pci_nvidia_explained = true;
    }
    dlclose(lib);
}

/* PCI: display controllers (class 0x03) and processing accelerators (0x12) the drivers did not report. */
static void check_pci(sys_report *r, bool nvidia_explained, bool amd_found)
{
    char *root = sys_path("/sys/bus/pci/devices");
    size_t n = 0;
    char **devs = list_dir(root, &n);
    for (size_t i = 0; i < n; i++) {
        char *pc = xasprintf("%s/%s/class", root, devs[i]), *pv = xasprintf("%s/%s/vendor", root, devs[i]),
             *pd = xasprintf("%s/%s/device", root, devs[i]);
        char *cls = sys_read(pc, false), *ven = sys_read(pv, false), *dev = sys_read(pd, false);
        unsigned long c = cls ? strtoul(cls, NULL, 16) : 0, vv = ven ? strtoul(ven, NULL, 16) : 0,
                      dd = dev ? strtoul(dev, NULL, 16) : 0;
        bool gpu = (c >> 16) == 0x03 || (c >> 16) == 0x12;
        bool skip = (vv == 0x10de && nvidia_explained) || (vv == 0x1002 && amd_found);
        if (gpu && vv && !skip) {
            sys_gpu g = {0};
            snprintf(g.vendor, sizeof g.vendor, "%s", vendor_name((unsigned)vv));
            snprintf(g.source, sizeof g.source, "pci");
            snprintf(g.pci, sizeof g.pci, "%04lx:%04lx", vv & 0xffff, dd & 0xffff);
            name_from_pci(&g, (unsigned)vv, (unsigned)dd);
            if (vv == 0x10de)
                sys_add(r, SYS_WARN, "gpu", "gpu.nvidia_no_driver",
                        xasprintf("%s at PCI %s, but the NVIDIA driver library cannot be used", g.name, devs[i]),
                        xstrdup("model servers run on the CPU, many times slower than on this GPU"),
                        xstrdup("install the NVIDIA driver (Debian: apt-get install nvidia-driver; then reboot) "
                                "and check with nvidia-smi"));
            else if (vv == 0x1002)
                sys_add(r, SYS_WARN, "gpu", "gpu.amd_no_kfd",
                        xasprintf("%s at PCI %s, but the amdgpu compute interface (KFD) is missing", g.name, devs[i]),
                        xstrdup("ROCm model servers cannot use the GPU without /dev/kfd; models run on the CPU"),
                        xstrdup("load the amdgpu kernel driver (modprobe amdgpu) and add the model server's user "
                                "to the render and video groups"));
            else
                sys_add(r, SYS_INFO, "gpu", "gpu.other",
                        xasprintf("%s at PCI %s (no GPU model server support is checked for it)", g.name, devs[i]),
                        NULL, NULL);
            VEC_PUSH(r->gpus, g);
        }
        free(cls);
        free(ven);
        free(dev);
        free(pc);
        free(pv);
        free(pd);
    }
    free_list(devs);
    free(root);
}

static void check_override(sys_report *r, sys_gpu *g)
{
    const char *ov = getenv("HSA_OVERRIDE_GFX_VERSION");
    const char *want = sys_gfx_override_for(g->gfx);
    char ovgfx[16] = "";
    char sz[32];
    sys_human_size(g->vram, sz);
    if (ov && *ov) {
        long v = sys_parse_gfx_override(ov);
        if (v < 0 || !sys_gfx_name((unsigned)v, ovgfx)) {
            if (want)
                sys_recommend(r, "HSA_OVERRIDE_GFX_VERSION", want);
            sys_add(r, SYS_ERROR, "gpu", "gpu.override_malformed",
                    xasprintf("HSA_OVERRIDE_GFX_VERSION=\"%s\" is not a version like 10.3.0", ov),
                    xstrdup("the ROCm runtime rejects it and the model server cannot use the GPU"),
                    want ? xasprintf("export HSA_OVERRIDE_GFX_VERSION=%s", want)
                         : xstrdup("unset HSA_OVERRIDE_GFX_VERSION"));
            return;
        }
        snprintf(g->run_as, sizeof g->run_as, "%s", ovgfx);
        if (!strcmp(ovgfx, g->gfx)) {
            sys_add(r, SYS_INFO, "gpu", "gpu.override_redundant",
                    xasprintf("%s (%s): HSA_OVERRIDE_GFX_VERSION=%s names its own target", g->name, g->gfx, ov),
                    NULL, xstrdup("unset HSA_OVERRIDE_GFX_VERSION (harmless, but unnecessary)"));
        } else if (want && sys_parse_gfx_override(want) == v) {
            sys_add(r, SYS_OK, "gpu", "gpu.amd",
                    xasprintf("%s: %s, %s memory, %d CUs; runs as %s through HSA_OVERRIDE_GFX_VERSION=%s", g->name,
                              g->gfx, sz, g->compute_units, ovgfx, ov),
                    NULL, NULL);
        } else {
            if (want)
                sys_recommend(r, "HSA_OVERRIDE_GFX_VERSION", want);
            sys_add(r, SYS_ERROR, "gpu", "gpu.override_mismatch",
                    xasprintf("HSA_OVERRIDE_GFX_VERSION=%s makes the %s (%s) run %s kernels", ov, g->name, g->gfx,
                              ovgfx),
                    xasprintf("kernels built for %s do not fit %s: the model server fails with \"invalid device "
                              "function\" or a memory access fault",
                              ovgfx, g->gfx),
                    want ? xasprintf("export HSA_OVERRIDE_GFX_VERSION=%s (in the model server's environment)", want)
                         : xstrdup("unset HSA_OVERRIDE_GFX_VERSION (and remove it from the model server's service)"));
        }
        return;
    }
    if (want)
        sys_recommend(r, "HSA_OVERRIDE_GFX_VERSION", want);
    if (want)
        sys_add(r, SYS_WARN, "gpu", "gpu.override_needed",
                xasprintf("%s: %s, %s memory, %d CUs; ROCm ships no kernels for %s", g->name, g->gfx, sz,
                          g->compute_units, g->gfx),
                xasprintf("without HSA_OVERRIDE_GFX_VERSION=%s the model server ignores this GPU (or fails with "
                          "\"invalid device function\"); it runs correctly as its close relative",
                          want),
                xasprintf("export HSA_OVERRIDE_GFX_VERSION=%s (fagpt doctor --fix writes it to model-server.env)",
                          want));
    else if (is_native(g->gfx))
        sys_add(r, SYS_OK, "gpu", "gpu.amd",
                xasprintf("%s: %s, %s memory, %d CUs", g->name, g->gfx, sz, g->compute_units), NULL, NULL);
    else
        sys_add(r, SYS_WARN, "gpu", "gpu.amd_unsupported",
                xasprintf("%s: %s, %s memory; %s is not a target ROCm supports", g->name, g->gfx, sz, g->gfx),
                xstrdup("ROCm model servers may not use this GPU; models then run on the CPU"),
                xstrdup("use a Vulkan build of the model server (llama.cpp) or the CPU"));
}

/* ROCm opens /dev/kfd read-write; without the render group that fails and the GPU is invisible to it. */
static void check_kfd_device(sys_report *r)
{
    char *dev = sys_path("/dev/kfd");
    int fd = open(dev, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0) {
        close(fd);
    } else {
        int err = errno;
        sys_add(r, SYS_WARN, "gpu", err == ENOENT ? "gpu.kfd_missing" : "gpu.kfd_denied",
                xasprintf("cannot open %s: %s", dev, strerror(err)),
                xstrdup("ROCm model servers then see no GPU and run models on the CPU"),
                err == ENOENT ? xstrdup("load the amdgpu kernel driver: sudo modprobe amdgpu (and check dmesg)")
                              : xstrdup("add the model server's user to the render and video groups: sudo usermod "
                                        "-aG render,video <user> (then log in again or restart the service)"));
    }
    free(dev);
}

void sys_check_gpus(sys_report *r)
{
    bool fixture = sys_fixture(), nvidia_explained = false;
    if (!fixture)
        check_nvidia(r, &nvidia_explained);
    bool amd = check_kfd(r);
    char *ver = sys_read("/opt/rocm/.info/version", true);
    if (ver) {
        r->rocm_version = xstrdup(fa_trim(ver));
        free(ver);
    }
    for (size_t i = 0; i < r->gpus.n; i++)
        if (!strcmp(r->gpus.v[i].source, "kfd"))
            check_override(r, &r->gpus.v[i]);
    if (amd)
        check_kfd_device(r);
    if (amd)
        sys_add(r, r->rocm_version ? SYS_OK : SYS_INFO, "gpu", "gpu.rocm",
                r->rocm_version ? xasprintf("ROCm %s", r->rocm_version)
                                : xstrdup("no ROCm under /opt/rocm (fine for Ollama, which bundles its own ROCm "
                                          "libraries; other servers need it)"),
                NULL, NULL);
    check_pci(r, nvidia_explained, amd);
    if (!r->gpus.n)
        sys_add(r, SYS_INFO, "gpu", "gpu.none",
                xstrdup("no GPU found; models run on the CPU (slower, and fine for FA-GPT's parsing, search and "
                        "extractive answers)"),
                NULL, NULL);
}
