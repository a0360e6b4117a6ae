using PyPyLeads.Companies;

namespace PyPyLeads.UnitTests;

public sealed class CompanyKeysTests
{
    [Theory]
    [InlineData("Yelp")]
    [InlineData("yelp, inc.")]
    [InlineData("YELP Inc")]
    [InlineData("  Yelp   Inc. ")]
    [InlineData("Yelp LLC")]
    public void Spellings_of_one_company_share_a_name_key(string name) => Assert.Equal("yelp", CompanyKeys.Name(name));

    [Theory]
    [InlineData("Open End AB", "open end")]
    [InlineData("merlinux GmbH", "merlinux")]
    [InlineData("Société Générale S.A.", "societe generale")]
    [InlineData("Fijałkowski Ltd", "fijalkowski")]
    [InlineData("Inc", "inc")] // a name that is only a legal form keeps it
    [InlineData("A\u200FB\u202Ec", "abc")] // invisible direction marks are ignored
    public void Names_fold_case_accents_punctuation_and_legal_forms(string name, string key) => Assert.Equal(key, CompanyKeys.Name(name));

    [Theory]
    [InlineData("www.yelp.com/about", "yelp.com")]
    [InlineData("https://www.yelp.com/about?x=1", "yelp.com")]
    [InlineData("HTTP://Yelp.COM:8080/", "yelp.com")]
    [InlineData("yelp.com.", "yelp.com")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Domains_fold_to_the_bare_host(string? input, string? key) => Assert.Equal(key, CompanyKeys.Domain(input));
}
