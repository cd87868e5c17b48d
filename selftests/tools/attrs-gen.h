/* SPDX-License-Identifier: GPL-2.0 */
/* Generated from Documentation/netlink/specs/spirecovery.yaml
 * by tools/scripts/gen-spec-tables.py: do not edit, regenerate with make -C selftests regen.
 */
#ifndef SPIRECOVERY_SELFTESTS_ATTRS_GEN_H
#define SPIRECOVERY_SELFTESTS_ATTRS_GEN_H

struct attr_set;

extern const struct attr_set config_attrs;
extern const struct attr_set stats_attrs;
extern const struct attr_set source_attrs;
extern const struct attr_set event_attrs;
extern const struct attr_set peer_attrs;
extern const struct attr_set peers_attrs;

#endif /* SPIRECOVERY_SELFTESTS_ATTRS_GEN_H */
