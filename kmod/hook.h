/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xfrm protocol shim that sees the kernel's own SA-lookup misses.
 */
#ifndef _SPIRECOVERY_HOOK_H
#define _SPIRECOVERY_HOOK_H

int spirecovery_hook_init(void);
void spirecovery_hook_exit(void);

#endif /* _SPIRECOVERY_HOOK_H */
