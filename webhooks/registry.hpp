// The table of supported providers: name -> factory. The URL path segment is the name.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "webhooks/provider.hpp"

namespace webhooks {

using ProviderFactory = std::unique_ptr<Provider> (*)(const conf::ProviderConfig&, const Services&);

struct ProviderEntry {
    std::string_view name;
    ProviderFactory make;  // throws ProviderConfigError
};

std::span<const ProviderEntry> provider_table();
const ProviderEntry* find_provider(std::string_view name);

}  // namespace webhooks
