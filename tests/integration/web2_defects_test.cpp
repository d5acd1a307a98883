// API defects a real user hit (issue 17): a write without content must not
// empty the file, a read-only key's refused write says it is read-only,
// and creating another customer's domain does not reveal that it exists.
#include "foundation_helpers.h"

namespace wsp::test {
namespace {

class Web2Defects : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        panel_ = new PanelProcess(suite_options());
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }
    static const HttpClient& http() { return panel_->http(); }

    static inline PanelProcess* panel_ = nullptr;
    static inline std::string alice_;
    static inline std::string bob_;
};

TEST_F(Web2Defects, WriteWithoutContentIs400AndLeavesTheFile) {
    auto w = http().post("/api/v1/files/write", {{"path", "/keep.txt"}, {"content", "precious"}},
                         alice_);
    ASSERT_EQ(w.status, 200) << w.body;
    auto missing = http().post("/api/v1/files/write", {{"path", "/keep.txt"}}, alice_);
    expect_envelope(missing, 400, "VALIDATION_ERROR", "Content is required");
    auto r = http().get("/api/v1/files/read?path=/keep.txt", alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(object_of(r)["content"], "precious");
    // null is not a string either.
    EXPECT_EQ(
        http()
            .post("/api/v1/files/write", {{"path", "/keep.txt"}, {"content", nullptr}}, alice_)
            .status,
        400);
    // "" stays a valid, empty file.
    auto empty =
        http().post("/api/v1/files/write", {{"path", "/keep.txt"}, {"content", ""}}, alice_);
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_EQ(object_of(http().get("/api/v1/files/read?path=/keep.txt", alice_))["content"], "");
}

TEST_F(Web2Defects, AReadOnlyKeyRefusedOnAWriteSaysItIsReadOnly) {
    auto made = http().post("/api/v1/users/alice/api-keys",
                            {{"name", "reader"}, {"permissions", {"read"}}}, alice_);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string reader = str(object_of(made), "secret_key");
    EXPECT_EQ(http().get("/api/v1/domains", reader).status, 200);
    auto refused = http().post("/api/v1/domains", {{"domain", "ro.example"}}, reader);
    expect_envelope(refused, 403, "FORBIDDEN");
    EXPECT_NE(refused.error().find("read-only"), std::string::npos) << refused.body;
    EXPECT_TRUE(refused.error().starts_with("API key is not scoped for 'domains'")) << refused.body;
    // A key scoped to another area is not "read-only": it is told the scope.
    auto ftp = http().post("/api/v1/users/alice/api-keys",
                           {{"name", "ftp"}, {"permissions", {"ftp"}}}, alice_);
    const std::string ftp_only = str(object_of(ftp), "secret_key");
    auto other = http().post("/api/v1/domains", {{"domain", "ro.example"}}, ftp_only);
    expect_envelope(other, 403, "FORBIDDEN", "API key is not scoped for 'domains'");
}

TEST_F(Web2Defects, AnotherCustomersDomainIsNotRevealed) {
    auto mine = http().post("/api/v1/domains", {{"domain", "bobs-shop.example"}}, bob_);
    ASSERT_EQ(mine.status, 201) << mine.body;
    auto taken = http().post("/api/v1/domains", {{"domain", "bobs-shop.example"}}, alice_);
    EXPECT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(taken.body.find("exists"), std::string::npos) << taken.body;
    EXPECT_EQ(taken.body.find("bob\""), std::string::npos) << taken.body;
    EXPECT_EQ(taken.error(), "Domain 'bobs-shop.example' cannot be added to this account");
    // The owner (and an admin) are told plainly.
    auto again = http().post("/api/v1/domains", {{"domain", "bobs-shop.example"}}, bob_);
    expect_envelope(again, 409, "CONFLICT", "Domain already exists");
    auto admin =
        http().post("/api/v1/domains", {{"domain", "bobs-shop.example"}}, panel_->admin_key());
    expect_envelope(admin, 409, "CONFLICT", "Domain already exists");
}

}  // namespace
}  // namespace wsp::test
