// The straightforward version of text::normalize_newlines (CRLF, CR CR LF and a lone CR each become
// one LF), which the tests compare the sixteen-byte-block implementation against.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dsn_test {

inline std::string reference_newlines(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\r') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') i += 2;
        else if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        out.push_back('\n');
    }
    return out;
}

}  // namespace dsn_test
