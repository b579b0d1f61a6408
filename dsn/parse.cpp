#include "dsn/report.hpp"

namespace dsn {

const char* to_string(Kind kind) noexcept {
    switch (kind) {
        case Kind::dsn: return "dsn";
        case Kind::arf: return "arf";
        case Kind::autoreply: return "autoreply";
        case Kind::none: break;
    }
    return "none";
}

const char* to_string(BounceType type) noexcept {
    switch (type) {
        case BounceType::hard: return "hard";
        case BounceType::complaint: return "complaint";
        case BounceType::soft: break;
    }
    return "soft";
}

Report parse(std::string_view, const Options&) noexcept { return {}; }

}  // namespace dsn
