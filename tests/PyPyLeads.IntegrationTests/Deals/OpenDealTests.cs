using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>The open-a-deal use case, called directly on a real SQLite file.</summary>
public sealed class OpenDealTests : IAsyncLifetime
{
    private DealRig _d = null!;

    public async Task InitializeAsync() => _d = await DealRig.StartAsync();

    public async Task DisposeAsync() => await _d.DisposeAsync();

    private Task<int> DealCountAsync() => _d.Rig.DbAsync(db => db.Deals.CountAsync());

    [Fact]
    public async Task A_member_opens_a_deal_on_their_consultancy_s_lead_for_it_and_owned_by_themselves_whatever_they_send()
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var outcome = await _d.OpenAsync(DealRig.Opening(yelp, value: "12,000.50", notes: "Wants the JIT\non ARM", stage: DealStage.Qualified,
            consultancyId: Consultancy.MerlinuxId, ownerUserId: _d.Holger.UserId), _d.Jacob);

        var opened = Assert.IsType<Done<OpenDeal.Opened>>(outcome).Value;
        Assert.Equal($"Deal #{opened.DealId} created.", opened.Message);
        var deal = await _d.ReadDealAsync(opened.DealId);
        Assert.Equal((Consultancy.OpenEndId, _d.Jacob.UserId, _d.Jacob.UserId), (deal.ConsultancyId, deal.OwnerUserId, deal.CreatedByUserId));
        Assert.Equal((1_200_050L, "EUR", DealStage.Qualified, 25, false, new DateOnly(2011, 6, 30), "Wants the JIT\non ARM"),
            (deal.ValueMinor!.Value, deal.Currency, deal.Stage, deal.Probability, deal.ProbabilityOverridden, deal.ExpectedCloseOn, deal.Notes));
        var created = Assert.Single(deal.StageChanges);
        Assert.Equal(((DealStage?)null, DealStage.Qualified, "Jacob Hallén", DealRig.Start), (created.FromStage, created.ToStage, created.ByName, created.AtUtc));
        var line = Assert.Single(await _d.TimelineAsync(yelp));
        Assert.Equal((DealTimeline.Created, "Deal", (long?)opened.DealId, "Jacob Hallén", _d.Jacob.UserId, DealRig.Start, "Wants the JIT\non ARM"),
            (line.Kind, line.SubjectType, line.SubjectId, line.ActorName, line.ActorUserId, line.AtUtc, line.Details));
        Assert.Equal($"New consulting deal #{opened.DealId} “JIT consulting” for Open End: 12,000.50 EUR, Qualified, expected to close 30 Jun 2011", line.Summary);
    }

    [Fact]
    public async Task A_probability_set_by_hand_is_kept_and_an_empty_value_waits_until_known()
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var id = Assert.IsType<Done<OpenDeal.Opened>>(await _d.OpenAsync(DealRig.Opening(yelp, value: null, probability: "35 %"), _d.Jacob)).Value.DealId;

        var deal = await _d.ReadDealAsync(id);
        Assert.Equal(((long?)null, 35, true), (deal.ValueMinor, deal.Probability, deal.ProbabilityOverridden));
        Assert.Contains("no value yet", Assert.Single(await _d.TimelineAsync(yelp)).Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_cannot_open_a_deal_on_an_unassigned_lead_nor_on_the_other_consultancy_s()
    {
        var noisebridge = await _d.CompanyAsync("Noisebridge", null);
        var mozilla = await _d.CompanyAsync("Mozilla", Consultancy.MerlinuxId);

        Assert.Equal("This lead is not assigned yet: an admin assigns it to Open End or merlinux first.",
            Assert.IsType<NotAllowed>(await _d.OpenAsync(DealRig.Opening(noisebridge), _d.Jacob)).Message);
        Assert.Equal("This lead is merlinux's: only its members and admins add deals to it.",
            Assert.IsType<NotAllowed>(await _d.OpenAsync(DealRig.Opening(mozilla, consultancyId: Consultancy.OpenEndId), _d.Jacob)).Message);
        Assert.IsType<NotAllowed>(await _d.OpenAsync(DealRig.Opening(mozilla), _d.Armin));
        Assert.Equal(0, await DealCountAsync());
        Assert.Empty(await _d.TimelineAsync(mozilla));
    }

    [Fact]
    public async Task An_admin_chooses_the_consultancy_of_an_unassigned_lead_and_owns_the_deal_unless_they_name_someone()
    {
        var noisebridge = await _d.CompanyAsync("Noisebridge", null);

        var invalid = Assert.IsType<Invalid>(await _d.OpenAsync(DealRig.Opening(noisebridge), _d.Laura));
        Assert.Equal([new FieldError("ConsultancyId", "This lead is not assigned yet: choose Open End or merlinux.")], invalid.Errors);

        var id = Assert.IsType<Done<OpenDeal.Opened>>(await _d.OpenAsync(DealRig.Opening(noisebridge, consultancyId: Consultancy.MerlinuxId), _d.Laura)).Value.DealId;
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((Consultancy.MerlinuxId, _d.Laura.UserId), (deal.ConsultancyId, deal.OwnerUserId));
    }

    [Fact]
    public async Task An_admin_gives_the_deal_an_owner_from_its_consultancy_or_an_admin_and_nobody_else()
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);

        foreach (var outsider in new[] { _d.Holger.UserId, _d.Armin.UserId, "no-such-user" })
        {
            var invalid = Assert.IsType<Invalid>(await _d.OpenAsync(DealRig.Opening(yelp, ownerUserId: outsider), _d.Laura));
            Assert.Equal([new FieldError("OwnerUserId", "Choose an owner from Open End or an admin.")], invalid.Errors);
        }
        Assert.Equal(0, await DealCountAsync());

        var id = await _d.DealAsync(yelp, _d.Laura, ownerUserId: _d.Jacob.UserId);
        Assert.Equal(_d.Jacob.UserId, (await _d.ReadDealAsync(id)).OwnerUserId);
        var mine = await _d.DealAsync(yelp, _d.Laura, consultancyId: Consultancy.MerlinuxId, ownerUserId: _d.Laura.UserId);
        Assert.Equal((Consultancy.MerlinuxId, _d.Laura.UserId), ((await _d.ReadDealAsync(mine)).ConsultancyId, (await _d.ReadDealAsync(mine)).OwnerUserId));
    }

    [Fact]
    public async Task The_expected_close_cannot_be_before_today_in_the_caller_s_zone()
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var laura = await _d.Rig.UserAsync("Laura in California", "lac@example.org", admin: true, timeZoneId: "America/Los_Angeles");
        // 20:00 on 2 March in California is already 3 March in Stockholm.
        _d.Clock.Advance(TimeSpan.FromHours(11));

        var invalid = Assert.IsType<Invalid>(await _d.OpenAsync(DealRig.Opening(yelp, closes: "2011-03-02"), _d.Jacob));
        Assert.Equal([new FieldError("ExpectedCloseOn", "The expected close cannot be before the deal is created (3 Mar 2011).")], invalid.Errors);

        Assert.IsType<Done<OpenDeal.Opened>>(await _d.OpenAsync(DealRig.Opening(yelp, closes: "2011-03-02"), laura));
    }

    public static TheoryData<string, string?, string> BadFields() => new()
    {
        { "Value", "-5", "The value cannot be negative." },
        { "Value", "12.345", "EUR amounts have at most 2 decimals." },
        { "Value", "12 thousand", "Enter an amount like 12000 or 12000.50." },
        { "Value", "1e6", "Enter an amount like 12000 or 12000.50." },
        { "Value", "1000000000.01", "At most 1,000,000,000." },
        { "Probability", "101", "Enter a whole number from 0 to 100, or leave it empty for the stage's default." },
        { "Probability", "-1", "Enter a whole number from 0 to 100, or leave it empty for the stage's default." },
        { "Probability", "fifty", "Enter a whole number from 0 to 100, or leave it empty for the stage's default." },
        { "ExpectedCloseOn", "30/06/2011", "Enter a date like 2011-09-30." },
        { "ExpectedCloseOn", "2111-06-30", "Enter a date like 2011-09-30." },
        { "ExpectedCloseOn", null, "Enter the date the deal is expected to close." },
        { "Currency", "BTC", "Choose a currency from the list." },
        { "Currency", "GBP", "Choose a currency from the list." },
        { "Currency", null, "Choose a currency." },
        { "Kind", null, "Choose consulting, subcontracting or hiring." },
        { "Kind", "7", "Choose consulting, subcontracting or hiring." },
        { "Stage", "Won", "A new deal starts in an open stage; move it to Won or Lost afterwards." },
        { "Stage", "Lost", "A new deal starts in an open stage; move it to Won or Lost afterwards." },
        { "Title", "line\nbreak", "Remove the control characters (line breaks, tabs...)." },
        { "Title", new string('t', 201), "Use at most 200 characters." },
        { "Notes", "bell\u0007", "Remove the control characters." },
        { "Notes", new string('n', 4001), "Use at most 4000 characters." },
        { "ConsultancyId", "3", "Choose Open End or merlinux." },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_refused_beside_it_and_nothing_is_saved(string field, string? value, string message)
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var input = field switch
        {
            "Value" => DealRig.Opening(yelp, value: value),
            "Probability" => DealRig.Opening(yelp, probability: value),
            "ExpectedCloseOn" => DealRig.Opening(yelp, closes: value),
            "Currency" => DealRig.Opening(yelp, currency: value),
            "Kind" => DealRig.Opening(yelp, kind: value is null ? null : (DealKind)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
            "Stage" => DealRig.Opening(yelp, stage: Enum.Parse<DealStage>(value!)),
            "Title" => DealRig.Opening(yelp, title: value),
            "Notes" => DealRig.Opening(yelp, notes: value),
            "ConsultancyId" => DealRig.Opening(yelp, consultancyId: int.Parse(value!, System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        // An admin, so that the consultancy sent is read.
        var invalid = Assert.IsType<Invalid>(await _d.OpenAsync(input, _d.Laura));

        Assert.Equal(new FieldError(field, message), invalid.Errors[0]);
        Assert.All(invalid.Errors, e => Assert.Equal(field, e.Field));
        Assert.Equal(0, await DealCountAsync());
        Assert.Empty(await _d.TimelineAsync(yelp));
    }

    [Fact]
    public async Task Hostile_text_is_stored_exactly_as_typed()
    {
        var yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);
        const string title = "<script>alert('x')</script> \u202Eevil\u202C; DELETE FROM Deals; --";
        const string notes = "<img src=x onerror=alert(1)>\r\nRobert'); DROP TABLE Deals;--";

        var id = Assert.IsType<Done<OpenDeal.Opened>>(await _d.OpenAsync(DealRig.Opening(yelp, title: title, notes: notes), _d.Jacob)).Value.DealId;

        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((title, notes), (deal.Title, deal.Notes));
        Assert.Equal(notes, Assert.Single(await _d.TimelineAsync(yelp)).Details);
    }

    [Fact]
    public async Task A_deleted_or_unknown_company_is_not_found()
    {
        var gone = await _d.Rig.CompanyAsync("Gone Inc", c => { c.ConsultancyId = Consultancy.OpenEndId; c.DeletedAtUtc = DealRig.Start; });

        Assert.IsType<NotFound>(await _d.OpenAsync(DealRig.Opening(gone), _d.Laura));
        Assert.IsType<NotFound>(await _d.OpenAsync(DealRig.Opening(9999), _d.Laura));
        Assert.Equal(0, await DealCountAsync());
    }
}
