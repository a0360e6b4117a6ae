using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Deals;
using PyPyLeads.Leads;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Leads;

/// <summary>The assign-a-lead use case, called directly on a real SQLite file.</summary>
public sealed class AssignLeadTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 3, 18, 0, 0, TimeSpan.FromHours(-8)));
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Assign(int companyId, int? consultancyId, string? reason, long version, Caller caller) =>
        _rig.RunAsync<AssignLead, Outcome>(u => u.RunAsync(new AssignLead.Input(companyId, consultancyId, reason, version), caller, CancellationToken.None));

    [Fact]
    public async Task An_admin_assigns_a_lead_and_the_timeline_records_who_by_display_name_and_why()
    {
        var yelp = await _rig.CompanyAsync("Yelp");

        var outcome = await Assign(yelp, Consultancy.OpenEndId, "Laura met their CTO at the Yelp talk", version: 0, _laura);

        Assert.Equal("Yelp: Assigned to Open End.", Assert.IsType<Done<AssignLead.Assigned>>(outcome).Value.Message);
        var entry = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == yelp));
        Assert.Equal((DealTimeline.Assigned, "Assigned to Open End", "Laura met their CTO at the Yelp talk", "Laura Creighton", _clock.GetUtcNow().UtcDateTime),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName, entry.AtUtc));
    }

    [Fact]
    public async Task Only_admins_assign_even_to_their_own_consultancy()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        var armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);

        Assert.IsType<NotAllowed>(await Assign(yelp, Consultancy.OpenEndId, "I met them", version: 0, armin));
        Assert.Null(await _rig.DbAsync(db => db.Companies.Where(c => c.Id == yelp).Select(c => c.ConsultancyId).SingleAsync()));
    }

    [Fact]
    public async Task A_stale_version_saves_nothing_and_answers_with_the_assignment_as_it_stands()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        Assert.IsType<Done<AssignLead.Assigned>>(await Assign(yelp, Consultancy.MerlinuxId, "hosting work", version: 0, _laura));

        var outcome = await Assign(yelp, Consultancy.OpenEndId, "seen from an old page", version: 0, _laura);

        var conflict = Assert.IsType<Conflict<AssignLead.Current>>(outcome);
        Assert.Equal((Consultancy.MerlinuxId, 1L), (conflict.Current.ConsultancyId, conflict.Current.Version));
        Assert.Equal(1, await _rig.DbAsync(db => db.Timeline.CountAsync(t => t.CompanyId == yelp)));
    }

    [Theory]
    [InlineData(null, "ConsultancyId", "It is not assigned already.")]
    [InlineData(3, "ConsultancyId", "Choose Open End, merlinux or not assigned.")]
    public async Task Assigning_to_the_same_or_an_unknown_consultancy_is_refused_beside_the_field(int? consultancyId, string field, string message)
    {
        var yelp = await _rig.CompanyAsync("Yelp");

        var invalid = Assert.IsType<Invalid>(await Assign(yelp, consultancyId, "because", version: 0, _laura));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("line one\nline two")]
    public async Task The_reason_is_one_line_and_required(string reason)
    {
        var yelp = await _rig.CompanyAsync("Yelp");

        var invalid = Assert.IsType<Invalid>(await Assign(yelp, Consultancy.OpenEndId, reason, version: 0, _laura));

        Assert.All(invalid.Errors, e => Assert.Equal("Reason", e.Field));
    }

    [Fact]
    public async Task A_deleted_company_is_not_found()
    {
        var gone = await _rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);

        Assert.IsType<NotFound>(await Assign(gone, Consultancy.OpenEndId, "late", version: 0, _laura));
    }
}
