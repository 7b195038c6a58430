/* unit.h - what every cmocka unit test of kskit's library includes. */
#ifndef KSKIT_UNIT_H
#define KSKIT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifndef UNIT_DATA
#define UNIT_DATA "tests/unit/data"
#endif

#endif
