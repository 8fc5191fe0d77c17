#ifndef FUZZ_MAIN_H
#define FUZZ_MAIN_H
// Nothing to import: this target only supplies the entry points below.
#endif
