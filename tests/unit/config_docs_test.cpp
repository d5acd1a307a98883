// docs/config.md documents every config key, and only keys that exist.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "config/config.h"

namespace wsp {
namespace {

std::string config_md() {
    std::ifstream in(std::string(WSP_SOURCE_DIR) + "/docs/config.md");
    EXPECT_TRUE(in.good()) << "docs/config.md is missing";
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Keys documented as table rows: "| `section.key` | ...".
std::set<std::string> documented_keys(const std::string& md) {
    static const std::regex row(R"(^\|\s*`([a-z0-9_]+\.[a-z0-9_]+)`\s*\|)", std::regex::multiline);
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(md.begin(), md.end(), row); it != std::sregex_iterator();
         ++it)
        out.insert((*it)[1]);
    return out;
}

TEST(ConfigDocs, EveryKeyIsDocumented) {
    const auto documented = documented_keys(config_md());
    for (const std::string& key : config_keys())
        EXPECT_TRUE(documented.count(key)) << key << " is not documented in docs/config.md";
}

TEST(ConfigDocs, EveryDocumentedKeyExists) {
    const auto keys = config_keys();
    const std::set<std::string> known(keys.begin(), keys.end());
    for (const std::string& key : documented_keys(config_md()))
        EXPECT_TRUE(known.count(key)) << key << " is documented but is not a config key";
}

TEST(ConfigDocs, EachKeySitsUnderItsSectionHeading) {
    const std::string md = config_md();
    for (const std::string& key : config_keys()) {
        const std::string section = key.substr(0, key.find('.'));
        auto heading = md.find("\n## " + section + "\n");
        auto row = md.find("| `" + key + "`");
        ASSERT_NE(heading, std::string::npos) << "no '## " << section << "' heading";
        ASSERT_NE(row, std::string::npos) << key;
        EXPECT_GT(row, heading) << key;
        auto next_heading = md.find("\n## ", heading + 1);
        EXPECT_TRUE(next_heading == std::string::npos || row < next_heading)
            << key << " is documented outside its section";
    }
}

}  // namespace
}  // namespace wsp
