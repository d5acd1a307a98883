// The in-memory authentication index: keys by the hash of their secret,
// sessions, and the account state behind them. Expiry is only testable
// here (the API sets expiry in whole days).
#include "services/auth_index.h"

#include <gtest/gtest.h>

#include "base/secrets.h"

namespace wsp {
namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kSecret = "wsp_56be4cb59e73761bed78686b6c0b37f3bebd929439c20d7d";
const std::string kSession = "5e55104e0000000000000000000000000000000000000000000000000000abcd";

UserRecord user(const std::string& name, AccountStatus status = AccountStatus::active,
                Role role = Role::user) {
    UserRecord u;
    u.username = name;
    u.role = role;
    u.status = status;
    return u;
}

ApiKeyRecord key(const std::string& id, const std::string& owner, const std::string& secret) {
    ApiKeyRecord k;
    k.id = id;
    k.username = owner;
    k.name = "test";
    k.secret_hash = sha256_hex(secret);
    k.key_prefix = secret.substr(0, 12);
    k.permissions = {"domains", "read"};
    return k;
}

class AuthIndexTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        index.put_user(user("bob"));
        index.put_key(key("e24ff6f1754c2d9a", "bob", kSecret));
    }
    Result<Authenticated> auth(const std::string& token, const std::string& ip = "127.0.0.1",
                               int64_t now = kNow) {
        return index.authenticate(token, ip, now);
    }
    static void expect_error(const Result<Authenticated>& r, Code code, const std::string& msg) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, code);
        EXPECT_EQ(r.error().message, msg);
    }
    AuthIndex index;
};

TEST_F(AuthIndexTest, ValidKeyGivesItsCaller) {
    auto a = auth(kSecret);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->caller.username, "bob");
    EXPECT_EQ(a->caller.role, Role::user);
    EXPECT_EQ(a->caller.key_id, "e24ff6f1754c2d9a");
    EXPECT_EQ(a->caller.scopes, (std::vector<std::string>{"domains", "read"}));
    EXPECT_EQ(a->limit_client, "k:e24ff6f1754c2d9a");
    EXPECT_FALSE(a->rate_limit.has_value());
}

TEST_F(AuthIndexTest, UnknownKeyIs401) {
    expect_error(auth("wsp_" + std::string(48, '0')), Code::unauthorized,
                 "Invalid or expired API key");
    expect_error(auth(kSecret.substr(0, kSecret.size() - 1)), Code::unauthorized,
                 "Invalid or expired API key");
}

TEST_F(AuthIndexTest, ExpiredKeyIs401) {
    ApiKeyRecord k = key("0000000000000001", "bob", "wsp_expiring");
    k.expires_at = kNow + 10;
    index.put_key(k);
    EXPECT_TRUE(auth("wsp_expiring", "127.0.0.1", kNow + 9).ok());
    expect_error(auth("wsp_expiring", "127.0.0.1", kNow + 10), Code::unauthorized,
                 "Invalid or expired API key");
    expect_error(auth("wsp_expiring", "127.0.0.1", kNow + 86400), Code::unauthorized,
                 "Invalid or expired API key");
}

TEST_F(AuthIndexTest, NeverExpiringKeyStaysValid) {
    EXPECT_TRUE(auth(kSecret, "127.0.0.1", kNow + 100LL * 365 * 86400).ok());
}

TEST_F(AuthIndexTest, DisabledKeyIs401UntilEnabled) {
    ApiKeyRecord k = key("e24ff6f1754c2d9a", "bob", kSecret);
    k.enabled = false;
    index.put_key(k);
    auto r = auth(kSecret);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::unauthorized);
    k.enabled = true;
    index.put_key(k);
    EXPECT_TRUE(auth(kSecret).ok());
}

TEST_F(AuthIndexTest, RevokedKeyIs401) {
    index.remove_key("e24ff6f1754c2d9a");
    expect_error(auth(kSecret), Code::unauthorized, "Invalid or expired API key");
    EXPECT_EQ(index.last_used("e24ff6f1754c2d9a"), 0);
}

TEST_F(AuthIndexTest, SuspendedAccountIs403) {
    index.put_user(user("bob", AccountStatus::suspended));
    expect_error(auth(kSecret), Code::forbidden, "Account suspended");
    index.put_user(user("bob", AccountStatus::active));
    EXPECT_TRUE(auth(kSecret).ok());
}

TEST_F(AuthIndexTest, DeletedAccountTakesItsKeysAndSessions) {
    index.put_session({sha256_hex(kSession), "bob", "127.0.0.1", kNow, kNow + 3600});
    index.remove_user("bob");
    expect_error(auth(kSecret), Code::unauthorized, "Invalid or expired API key");
    EXPECT_FALSE(auth(kSession).ok());
}

TEST_F(AuthIndexTest, AllowListIsEnforced) {
    ApiKeyRecord k = key("00000000000000aa", "bob", "wsp_listed");
    k.ip_whitelist = {"10.0.0.0/8", "2001:db8::/32"};
    index.put_key(k);
    EXPECT_TRUE(auth("wsp_listed", "10.1.2.3").ok());
    EXPECT_TRUE(auth("wsp_listed", "::ffff:10.1.2.3").ok());
    EXPECT_TRUE(auth("wsp_listed", "2001:db8::9").ok());
    auto outside = auth("wsp_listed", "127.0.0.1");
    ASSERT_FALSE(outside.ok());
    EXPECT_EQ(outside.error().code, Code::forbidden);
    EXPECT_FALSE(auth("wsp_listed", "").ok());
}

TEST_F(AuthIndexTest, ChangedSecretReplacesTheOldHash) {
    index.put_key(key("e24ff6f1754c2d9a", "bob", "wsp_rotated"));
    EXPECT_FALSE(auth(kSecret).ok());
    EXPECT_TRUE(auth("wsp_rotated").ok());
}

TEST_F(AuthIndexTest, PerKeyRateLimit) {
    ApiKeyRecord k = key("00000000000000bb", "bob", "wsp_limited");
    k.rate_limit = 5;
    index.put_key(k);
    auto a = auth("wsp_limited");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->rate_limit, 5);
}

TEST_F(AuthIndexTest, SessionsWorkUntilTheyExpire) {
    index.put_user(user("ann", AccountStatus::active, Role::admin));
    index.put_session({sha256_hex(kSession), "ann", "127.0.0.1", kNow, kNow + 100});
    auto a = auth(kSession, "127.0.0.1", kNow + 99);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->caller.username, "ann");
    EXPECT_TRUE(a->caller.is_admin());
    EXPECT_EQ(a->caller.scopes, std::vector<std::string>{"all"});
    EXPECT_TRUE(a->caller.key_id.empty());
    EXPECT_TRUE(a->limit_client.starts_with("s:"));
    EXPECT_EQ(a->limit_client.find(kSession), std::string::npos);  // never the secret itself
    EXPECT_FALSE(auth(kSession, "127.0.0.1", kNow + 100).ok());
    index.remove_session(sha256_hex(kSession));
    EXPECT_FALSE(auth(kSession, "127.0.0.1", kNow + 1).ok());
}

// A reseller's caller carries its customers (the accounts it created),
// as the index knows them at that request.
TEST_F(AuthIndexTest, AResellersCallerListsItsCustomers) {
    UserRecord r = user("bob", AccountStatus::active, Role::reseller);
    index.put_user(r);
    for (const char* name : {"zed", "amy"}) {
        UserRecord c = user(name);
        c.creator = "bob";
        index.put_user(c);
    }
    UserRecord other = user("carl");
    other.creator = "admin";
    index.put_user(other);
    auto a = auth(kSecret);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->caller.is_reseller());
    EXPECT_EQ(a->caller.customers, (std::vector<std::string>{"amy", "zed"}));
    EXPECT_TRUE(a->caller.may_act_for("zed"));
    EXPECT_FALSE(a->caller.may_act_for("carl"));
    // Moved away: no longer its customer at the next request.
    other = user("zed");
    other.creator = "admin";
    index.put_user(other);
    EXPECT_FALSE(auth(kSecret)->caller.may_act_for("zed"));
    // Deleted: gone from the list; made again: back.
    index.remove_user("amy");
    EXPECT_TRUE(auth(kSecret)->caller.customers.empty());
    UserRecord again = user("amy");
    again.creator = "bob";
    index.put_user(again);
    EXPECT_EQ(auth(kSecret)->caller.customers, (std::vector<std::string>{"amy"}));
}

TEST_F(AuthIndexTest, UnknownSessionIs401) {
    auto r = auth("not-a-token");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::unauthorized);
}

TEST_F(AuthIndexTest, LastUsedIsTrackedAndHandedOverOnce) {
    EXPECT_EQ(index.last_used("e24ff6f1754c2d9a"), 0);
    ASSERT_TRUE(auth(kSecret, "127.0.0.1", kNow + 5).ok());
    EXPECT_EQ(index.last_used("e24ff6f1754c2d9a"), kNow + 5);
    auto dirty = index.take_dirty_last_used();
    ASSERT_EQ(dirty.size(), 1u);
    EXPECT_EQ(dirty[0].first, "e24ff6f1754c2d9a");
    EXPECT_EQ(dirty[0].second, kNow + 5);
    EXPECT_TRUE(index.take_dirty_last_used().empty());
    // A failed attempt is not a use.
    index.put_user(user("bob", AccountStatus::suspended));
    ASSERT_FALSE(auth(kSecret, "127.0.0.1", kNow + 9).ok());
    EXPECT_EQ(index.last_used("e24ff6f1754c2d9a"), kNow + 5);
}

TEST_F(AuthIndexTest, ExpiredSessionsAreForgotten) {
    // Sessions that simply run out (no logout) must not pile up in memory.
    for (int i = 0; i < 100; ++i)
        index.put_session(
            {sha256_hex("old" + std::to_string(i)), "bob", "127.0.0.1", kNow, kNow + 10});
    index.put_session({sha256_hex(kSession), "bob", "127.0.0.1", kNow, kNow + 1000});
    EXPECT_EQ(index.remove_expired_sessions(kNow + 10), 100u);
    EXPECT_EQ(index.remove_expired_sessions(kNow + 10), 0u);
    EXPECT_TRUE(auth(kSession, "127.0.0.1", kNow + 11).ok());
}

}  // namespace
}  // namespace wsp
