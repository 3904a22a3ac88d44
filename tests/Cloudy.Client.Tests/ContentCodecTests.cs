using Cloudy.Client.Messaging;

namespace Cloudy.Client.Tests;

public sealed class ContentCodecTests
{
    [Theory]
    [InlineData("")]
    [InlineData("hi")]
    [InlineData("a longer message that certainly needs more than one hundred and sixty bytes once it is wrapped in JSON with its kind and its timestamp, so it pads to 320")]
    public void Encode_AnyText_PadsToBlockAndRoundTrips(string text)
    {
        var content = new MessageContent(ContentKinds.Text, 1234, Text: text);

        var padded = ContentCodec.Encode(content);

        Assert.Equal(0, padded.Length % ContentCodec.PaddingBlock);
        Assert.Equal(content with { Receipts = null }, ContentCodec.Decode(padded));
    }

    [Fact]
    public void Encode_ShortTextsOfDifferentLength_SameCiphertextSizeClass()
    {
        Assert.Equal(
            ContentCodec.Encode(new MessageContent(ContentKinds.Text, 1, Text: "ok")).Length,
            ContentCodec.Encode(new MessageContent(ContentKinds.Text, 1, Text: "a somewhat longer reply")).Length);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'{', (byte)'}', 0x80 })]
    [InlineData(new byte[] { (byte)'x', 0x80, 0 })]
    public void Decode_NotOurContent_ThrowsFormatException(byte[] padded) =>
        Assert.Throws<FormatException>(() => ContentCodec.Decode(padded));

    [Fact]
    public void Decode_ReceiptAndTyping_KeepTheirFields()
    {
        var receipt = ContentCodec.Decode(ContentCodec.Encode(new MessageContent(ContentKinds.Receipt, 5, Receipts: [1, 2])));
        var typing = ContentCodec.Decode(ContentCodec.Encode(new MessageContent(ContentKinds.Typing, 6, Typing: true)));

        Assert.Equal([1L, 2L], receipt.Receipts);
        Assert.True(typing.Typing);
    }
}
