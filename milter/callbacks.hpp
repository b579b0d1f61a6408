// The libmilter callback table. Every callback is a thin noexcept wrapper that forwards to the
// connection's Session and maps its Verdict to an SMFIS_* code; no exception reaches libmilter.
#pragma once

#include "milter/runtime.hpp"
#include "milter/shutdown_gate.hpp"

#include <libmilter/mfapi.h>

namespace milter {

// `runtime` must outlive smfi_main().
smfiDesc make_filter_description(Runtime& runtime);

// The gate every callback passes (see shutdown_gate.hpp); close it after smfi_main() returns. It lives as
// long as the process, because libmilter's connection threads can outlive smfi_main() and main().
ShutdownGate& shutdown_gate();

}  // namespace milter
