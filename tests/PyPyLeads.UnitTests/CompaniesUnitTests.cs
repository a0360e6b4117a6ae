using PyPyLeads.Companies;
using PyPyLeads.Tour;

namespace PyPyLeads.UnitTests;

public sealed class TourScheduleTests
{
    [Theory]
    [InlineData("2011-03-02T09:00:00-08:00", 1)] // the morning of the Stanford talk
    [InlineData("2011-03-03T18:30:00-08:00", 2)] // during the Yelp talk
    [InlineData("2011-03-04T12:00:00-08:00", 2)] // the day after: the latest past stop
    [InlineData("2011-03-05T23:00:00-08:00", 3)] // the Noisebridge sprint, two days long
    [InlineData("2011-03-07T09:00:00-08:00", 4)] // two talks that day, neither started: the first
    [InlineData("2011-03-07T12:00:00-08:00", 4)] // Google has started
    [InlineData("2011-03-07T15:00:00-08:00", 5)] // Mozilla has started
    [InlineData("2011-03-10T12:00:00-05:00", 5)] // Atlanta, before the sprint: undated stops are never guessed
    [InlineData("2011-03-15T10:00:00-04:00", 8)] // the PyCon sprint, in Eastern time
    public void The_default_stop_is_the_one_happening_now_else_the_latest_past_one(string now, int expected) =>
        Assert.Equal(expected, TourSchedule.CurrentOrLatest(ReferenceData.TourStops, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime)?.Id);

    [Fact]
    public void Before_the_tour_there_is_no_default() =>
        Assert.Null(TourSchedule.CurrentOrLatest(ReferenceData.TourStops, new DateTime(2011, 2, 1, 12, 0, 0, DateTimeKind.Utc)));

    [Theory]
    [InlineData("2011-03-02T09:00:00-08:00", 1)] // the Stanford talk, this afternoon
    [InlineData("2011-03-02T17:00:00-08:00", 1)] // during it (16:15 and 90 minutes)
    [InlineData("2011-03-02T18:00:00-08:00", 2)] // once it is over: the Yelp talk tomorrow
    [InlineData("2011-03-05T23:00:00-08:00", 3)] // the Noisebridge sprint, all day
    [InlineData("2011-03-07T14:00:00-08:00", 5)] // Google is over, Mozilla's talk is the one now or next
    [InlineData("2011-03-18T12:00:00-04:00", null)] // after the tour
    public void Today_shows_the_stop_happening_now_else_the_next_one(string now, int? expected) =>
        Assert.Equal(expected, TourSchedule.NowOrNext(ReferenceData.TourStops, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime)?.Id);

    [Theory]
    [InlineData("2011-03-02T23:59:00-08:00", true)] // the evening before, in the stop's zone
    [InlineData("2011-03-03T00:00:00-08:00", false)] // its day has come, though the talk is at 18:00
    public void A_stop_is_ahead_until_its_first_day_comes_in_its_own_zone(string now, bool ahead) =>
        Assert.Equal(ahead, TourSchedule.IsAhead(ReferenceData.TourStops.Single(s => s.Id == 2), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime));

    [Fact]
    public void Labels_name_the_stop_and_its_days() =>
        Assert.Equal(["Stanford talk · Wed 2 Mar", "Noisebridge mini sprint · 5–6 Mar", "Python VM and Language Summits"],
            new[] { 1, 3, 6 }.Select(id => TourSchedule.Label(ReferenceData.TourStops.Single(s => s.Id == id))));
}

public sealed class SearchIndexTests
{
    [Fact]
    public void A_company_is_found_under_the_words_of_its_name_city_people_and_its_domain_and_emails()
    {
        var terms = SearchIndex.TermsFor("Yelp, Inc.", "yelp.com", "San Francisco", [("Maciej Fijałkowski", "fijal@merlinux.eu")]);
        Assert.Equal(new[] { "yelp", "inc", "san", "francisco", "yelp.com", "maciej", "fijalkowski", "fijal@merlinux.eu", "merlinux.eu" }.Order(), terms.Order());
    }

    [Theory]
    [InlineData("Fijałkowski", new[] { "fijalkowski" })]
    [InlineData("  Maciej   F ", new[] { "maciej", "f" })]
    [InlineData("JANE@Yelp.com", new[] { "jane@yelp.com" })]
    [InlineData("https://www.yelp.com/about", new[] { "yelp.com" })]
    [InlineData("O'Reilly", new[] { "o", "reilly" })]
    [InlineData("' OR 1=1 --", new[] { "or", "1" })]
    [InlineData("", new string[0])]
    public void The_search_box_text_becomes_prefixes(string query, string[] expected) =>
        Assert.Equal(expected, SearchIndex.QueryTerms(query));

    [Fact]
    public void Terms_are_cut_to_the_column_and_queries_to_eight_words()
    {
        Assert.Equal(100, SearchIndex.TermsFor(new string('a', 10_000), null, null, []).Single().Length);
        Assert.Equal(8, SearchIndex.QueryTerms("a b c d e f g h i j k").Count);
    }
}

public sealed class CompanyCsvTests
{
    [Fact]
    public void Reads_loose_headers_semicolons_quotes_and_takes_off_the_export_neutralising_quote()
    {
        var file = CompanyCsv.Read("company name;E-Mail;Contact;Notes\r\n\"Yelp; Inc\";jane@yelp.com;'=Jane;\"two\nlines\"\r\n\r\n'@Co;;'+1;'plain\n");
        Assert.Null(file.Error);
        Assert.Equal(2, file.Rows.Count);
        Assert.Equal(("Yelp; Inc", "jane@yelp.com", "=Jane", "two\nlines", 2), (file.Rows[0].Company, file.Rows[0].Email, file.Rows[0].Person, file.Rows[0].Notes, file.Rows[0].Number));
        Assert.Equal(("@Co", "+1", "'plain"), (file.Rows[1].Company, file.Rows[1].Person, file.Rows[1].Notes));
    }

    [Theory]
    [InlineData("Company\n\"Yelp\n", "not valid CSV")]
    [InlineData("Firm,Town\nYelp,SF\n", "must be “Company”")]
    [InlineData("   \n", "empty")]
    public void A_malformed_file_is_refused_whole(string content, string message)
    {
        var file = CompanyCsv.Read(content);
        Assert.Contains(message, file.Error, StringComparison.Ordinal);
        Assert.Empty(file.Rows);
    }

    [Fact]
    public void A_row_with_more_fields_than_the_header_is_an_error_of_that_row()
    {
        var file = CompanyCsv.Read("Company,City\nYelp,San Francisco,CA\nGoogle,Mountain View\n");
        Assert.Null(file.Error);
        Assert.Single(file.Rows[0].ReadErrors);
        Assert.Empty(file.Rows[1].ReadErrors);
    }

    [Theory]
    [InlineData("tour stop", LeadSource.TourStop)]
    [InlineData("A tour stop", LeadSource.TourStop)]
    [InlineData("E-mail", LeadSource.Email)]
    [InlineData("referral", LeadSource.Referral)]
    [InlineData("The public invitation page", LeadSource.InvitationPage)]
    [InlineData("invitation page", LeadSource.InvitationPage)]
    [InlineData("Other", LeadSource.Other)]
    public void Sources_are_read_by_name_or_label(string text, LeadSource expected) => Assert.Equal(expected, LeadSources.Parse(text));
}

public sealed class CompanyRulesTests
{
    [Theory]
    [InlineData("yelp.com", true)]
    [InlineData("https://www.yelp.com/about", true)]
    [InlineData("münchen.de", true)]
    [InlineData("localhost", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("not a domain", false)]
    [InlineData("a..b", false)]
    public void Web_domains(string text, bool valid) => Assert.Equal(valid, CompanyRules.IsWebDomain(text));

    [Theory]
    [InlineData("jane@yelp.com", true)]
    [InlineData("jane@yelp", false)]
    [InlineData("jane at yelp.com", false)]
    [InlineData("a@b@c.com", false)]
    public void Emails(string text, bool valid) => Assert.Equal(valid, CompanyRules.IsEmail(text));

    [Fact]
    public void Right_to_left_marks_are_kept_but_control_characters_are_not() =>
        Assert.Equal((true, false, true, false), (CompanyRules.IsSingleLine("\u200Fשלום"), CompanyRules.IsSingleLine("a\nb"), CompanyRules.IsText("a\nb\tc"), CompanyRules.IsText("a\u0007")));

    [Fact]
    public void Audit_lines_say_which_field_changed_from_what_to_what()
    {
        var changes = CompanyTimeline.Changes(("City", null, "San Francisco"), ("Name", "Yelp", "Yelp"), ("Notes", "old", null));
        Assert.Equal("City and Notes", CompanyTimeline.ListFields(changes));
        Assert.Equal("City: (empty) → “San Francisco”\nNotes: “old” → (empty)", CompanyTimeline.Describe(changes));
    }
}
