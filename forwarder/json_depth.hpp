// How deeply a JSON text nests, found without parsing it. nlohmann::json parses deep input, but
// copying, dumping and destroying a value recurse once per level: 300,000 levels overflow the stack.
// Text from outside (a stream entry, a request) is measured first and refused past a limit.
#pragma once

#include <cstddef>
#include <string_view>

namespace forwarder {

// True when no array/object in `text` lies deeper than `max_depth` levels (strings are skipped,
// escapes included). Linear; never recurses.
bool json_nesting_within(std::string_view text, std::size_t max_depth);

}  // namespace forwarder
