import Redis
import Testing

@Suite struct RedisReplyTests {
    @Test func accessors() {
        #expect(RedisReply.status("OK").string == "OK")
        #expect(RedisReply.bulk(Array("42".utf8)).string == "42")
        #expect(RedisReply.bulk(Array("42".utf8)).int == 42)
        #expect(RedisReply.integer(-7).int == -7)
        #expect(RedisReply.bulk([0xFF, 0xFE]).string == nil)
        #expect(RedisReply.bulk([0xFF, 0xFE]).bytes == [0xFF, 0xFE])
        #expect(RedisReply.bulk(nil).isNil)
        #expect(RedisReply.array(nil).isNil)
        #expect(RedisReply.error("ERR x").string == nil)
        #expect(RedisReply.array([.integer(1)]).array == [.integer(1)])
        #expect(RedisReply.integer(1).array == nil)
    }

    @Test func serverCodeIsTheFirstWord() {
        #expect(RedisError.server("NOSCRIPT No matching script").serverCode == "NOSCRIPT")
        #expect(RedisError.server("BUSYGROUP").serverCode == "BUSYGROUP")
        #expect(RedisError.unavailable("NOSCRIPT").serverCode == nil)
    }

    @Test func streamEntriesCompareFieldByField() {
        let entry = RedisStreamEntry(id: "1-0", fields: [("a", [1]), ("b", [2])])
        #expect(entry == RedisStreamEntry(id: "1-0", fields: [("a", [1]), ("b", [2])]))
        #expect(entry != RedisStreamEntry(id: "1-0", fields: [("b", [2]), ("a", [1])]))
        #expect(entry != RedisStreamEntry(id: "1-0", fields: [("a", [1])]))
        #expect(entry != RedisStreamEntry(id: "2-0", fields: [("a", [1]), ("b", [2])]))
        #expect(entry[field: "b"] == [2])
        #expect(entry[field: "c"] == nil)
    }
}
