#include "webhooks/request.hpp"

#include <algorithm>
#include <cctype>

namespace webhooks {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
    });
}

const std::string* Request::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? nullptr : &it->second;
}

const std::string* Request::query_param(const std::string& name) const {
    const auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
}

}  // namespace webhooks
