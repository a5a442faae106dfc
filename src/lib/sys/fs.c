/* fs.c - filesystem facts the checks share: read-only and network mounts, and whether a folder takes a file. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

char *sys_existing_ancestor(const char *path)
{
    char *p = xstrdup(path && *path ? path : ".");
    struct stat st;
    while (stat(p, &st) != 0) {
        char *slash = strrchr(p, '/');
        if (!slash) {
            free(p);
            return xstrdup(".");
        }
        if (slash == p) {
            p[1] = 0;
            break;
        }
        *slash = 0;
    }
    return p;
}

const char *sys_network_fs_name(long type)
{
    switch ((unsigned long)type & 0xffffffffUL) {
    case 0x6969: return "NFS";
    case 0x517b: case 0xff534d42: case 0xfe534d42: return "CIFS/SMB";
    case 0x65735546: return "FUSE (sshfs and the like)";
    case 0x01021997: return "9P";
    case 0x00c36400: return "Ceph";
    case 0x5346414f: return "AFS";
    case 0x0bd00bd0: return "Lustre";
    case 0x47504653: return "GPFS";
    case 0x01161970: return "GFS2";
    case 0x7461636f: return "OCFS2";
    case 0x564c: return "NCP";
    case 0x73757245: return "Coda";
    default: return NULL;
    }
}

void sys_fs_probe(const char *path, sys_fs *fs)
{
    memset(fs, 0, sizeof *fs);
    struct stat st;
    fs->exists = stat(path, &st) == 0;
    char *at = sys_existing_ancestor(path);
    struct statvfs v;
    if (statvfs(at, &v) == 0)
        fs->readonly = (v.f_flag & ST_RDONLY) != 0;
    struct statfs f;
    if (statfs(at, &f) == 0)
        fs->network = sys_network_fs_name((long)f.f_type);
    free(at);
}

int sys_try_create(const char *dir)
{
    char *p = xasprintf("%s/.fagpt-doctor-probe-XXXXXX", dir);
    int fd = mkstemp(p), err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        close(fd);
        unlink(p);
    }
    free(p);
    return err;
}
