/* internal.h - what the files of the sys module share and nobody else needs. */
#ifndef FAGPT_SYS_INTERNAL_H
#define FAGPT_SYS_INTERNAL_H

#include "sys.h"

/* Appends a finding; takes ownership of what, why and fix (heap strings or NULL). */
void sys_add(sys_report *r, sys_severity s, const char *area, const char *code, char *what, char *why, char *fix);
/* Records NAME=value for the model server's environment (replacing an earlier value of NAME). */
void sys_recommend(sys_report *r, const char *name, const char *value);
/* Reads a small text file (under FAGPT_SYSFS_ROOT when abs is absolute and fixture is true); NULL if unreadable. */
char *sys_read(const char *abs, bool fixture);
/* "12.0 GiB" style sizes into out. */
const char *sys_human_size(uint64_t bytes, char out[32]);
/* True when FAGPT_SYSFS_ROOT is set. */
bool sys_fixture(void);

/* What the filesystem under a path is like; a missing path is judged by its nearest existing ancestor. */
typedef struct sys_fs {
    bool exists;          /* the path itself exists */
    bool readonly;        /* mounted read-only (statvfs ST_RDONLY) */
    const char *network;  /* "NFS", "CIFS/SMB", "FUSE (sshfs and the like)"...; NULL when local */
} sys_fs;
void sys_fs_probe(const char *path, sys_fs *fs);
/* The network filesystem a statfs f_type stands for, or NULL for a local one. */
const char *sys_network_fs_name(long f_type);
/* The nearest existing ancestor of path (path itself when it exists); caller frees. */
char *sys_existing_ancestor(const char *path);
/* Creates and removes a file in dir: 0 when that works, else the errno. The real test, unlike access(). */
int sys_try_create(const char *dir);

#endif
