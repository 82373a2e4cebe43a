/* store/migrations.h — mc_migrations[n] takes a store from version n-1 to n. */
#ifndef MC_MIGRATIONS_H
#define MC_MIGRATIONS_H

extern const char *const mc_migrations[];
extern const int mc_migration_count;

#endif
