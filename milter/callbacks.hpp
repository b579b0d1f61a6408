// The libmilter callback table. Every callback is a thin noexcept wrapper that forwards to the
// connection's Session and maps its Verdict to an SMFIS_* code; no exception reaches libmilter.
#pragma once

#include "milter/runtime.hpp"

#include <libmilter/mfapi.h>

namespace milter {

// `runtime` must outlive smfi_main().
smfiDesc make_filter_description(Runtime& runtime);

}  // namespace milter
