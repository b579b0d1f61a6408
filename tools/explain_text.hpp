// bounce-parse --explain: for each event, the evidence and the rules that decided its recipient,
// reason and type, as text for a person who disagrees with a verdict. Not a contract like the JSON.
#pragma once

#include "dsn/report.hpp"

#include <string>
#include <string_view>

namespace tools {

// The explanation of one parsed message; `report` must come from dsn::parse with Options::explain.
std::string explain_report(std::string_view label, const dsn::Report& report);

}  // namespace tools
