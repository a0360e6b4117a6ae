using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace PyPyLeads.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Schedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CalendarFeeds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarFeeds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CalendarFeeds_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Meetings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CompanyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Area = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    PlaceName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PlaceAddress = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    StartsAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Meetings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Meetings_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PresentationRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CompanyId = table.Column<int>(type: "INTEGER", nullable: false),
                    ContactName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContactEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PreferredDates = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    AudienceSize = table.Column<int>(type: "INTEGER", nullable: true),
                    Topics = table.Column<int>(type: "INTEGER", nullable: false),
                    OtherTopics = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConvinceManagement = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Area = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Place = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    StartsAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndsAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attendance = table.Column<int>(type: "INTEGER", nullable: true),
                    OutcomeNotes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ViaPublicPage = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PresentationRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PresentationRequests_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TeamStays",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TeamMemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    Area = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    FromUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ToUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamStays", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamStays_TeamMembers_TeamMemberId",
                        column: x => x.TeamMemberId,
                        principalTable: "TeamMembers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TourStopAttendees",
                columns: table => new
                {
                    TourStopId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamMemberId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TourStopAttendees", x => new { x.TourStopId, x.TeamMemberId });
                    table.ForeignKey(
                        name: "FK_TourStopAttendees_TeamMembers_TeamMemberId",
                        column: x => x.TeamMemberId,
                        principalTable: "TeamMembers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TourStopAttendees_TourStops_TourStopId",
                        column: x => x.TourStopId,
                        principalTable: "TourStops",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MeetingPerson",
                columns: table => new
                {
                    MeetingId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeetingPerson", x => new { x.MeetingId, x.PersonId });
                    table.ForeignKey(
                        name: "FK_MeetingPerson_Meetings_MeetingId",
                        column: x => x.MeetingId,
                        principalTable: "Meetings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MeetingPerson_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MeetingTeamMember",
                columns: table => new
                {
                    MeetingId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamMemberId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeetingTeamMember", x => new { x.MeetingId, x.TeamMemberId });
                    table.ForeignKey(
                        name: "FK_MeetingTeamMember_Meetings_MeetingId",
                        column: x => x.MeetingId,
                        principalTable: "Meetings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MeetingTeamMember_TeamMembers_TeamMemberId",
                        column: x => x.TeamMemberId,
                        principalTable: "TeamMembers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PresentationPresenter",
                columns: table => new
                {
                    PresentationRequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamMemberId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PresentationPresenter", x => new { x.PresentationRequestId, x.TeamMemberId });
                    table.ForeignKey(
                        name: "FK_PresentationPresenter_PresentationRequests_PresentationRequestId",
                        column: x => x.PresentationRequestId,
                        principalTable: "PresentationRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PresentationPresenter_TeamMembers_TeamMemberId",
                        column: x => x.TeamMemberId,
                        principalTable: "TeamMembers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "TeamStays",
                columns: new[] { "Id", "Area", "FromUtc", "TeamMemberId", "ToUtc", "Version" },
                values: new object[,]
                {
                    { 1, "Bay Area", new DateTime(2011, 3, 1, 8, 0, 0, 0, DateTimeKind.Utc), 1, new DateTime(2011, 3, 8, 17, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 2, "Bay Area", new DateTime(2011, 3, 1, 8, 0, 0, 0, DateTimeKind.Utc), 3, new DateTime(2011, 3, 8, 17, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 3, "Bay Area", new DateTime(2011, 3, 1, 8, 0, 0, 0, DateTimeKind.Utc), 4, new DateTime(2011, 3, 8, 17, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 4, "Bay Area", new DateTime(2011, 3, 6, 8, 0, 0, 0, DateTimeKind.Utc), 2, new DateTime(2011, 3, 8, 17, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 5, "Atlanta", new DateTime(2011, 3, 8, 5, 0, 0, 0, DateTimeKind.Utc), 1, new DateTime(2011, 3, 18, 4, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 6, "Atlanta", new DateTime(2011, 3, 8, 5, 0, 0, 0, DateTimeKind.Utc), 3, new DateTime(2011, 3, 18, 4, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 7, "Atlanta", new DateTime(2011, 3, 8, 5, 0, 0, 0, DateTimeKind.Utc), 4, new DateTime(2011, 3, 18, 4, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 8, "Atlanta", new DateTime(2011, 3, 8, 5, 0, 0, 0, DateTimeKind.Utc), 2, new DateTime(2011, 3, 18, 4, 0, 0, 0, DateTimeKind.Utc), 0L },
                    { 9, "Atlanta", new DateTime(2011, 3, 8, 5, 0, 0, 0, DateTimeKind.Utc), 6, new DateTime(2011, 3, 18, 4, 0, 0, 0, DateTimeKind.Utc), 0L }
                });

            migrationBuilder.InsertData(
                table: "TourStopAttendees",
                columns: new[] { "TeamMemberId", "TourStopId" },
                values: new object[,]
                {
                    { 1, 1 },
                    { 3, 1 },
                    { 4, 1 },
                    { 1, 2 },
                    { 3, 2 },
                    { 4, 2 },
                    { 1, 3 },
                    { 2, 3 },
                    { 3, 3 },
                    { 4, 3 },
                    { 1, 4 },
                    { 2, 4 },
                    { 3, 4 },
                    { 4, 4 },
                    { 1, 5 },
                    { 2, 5 },
                    { 3, 5 },
                    { 4, 5 },
                    { 2, 7 },
                    { 6, 7 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_CalendarFeeds_TokenHash",
                table: "CalendarFeeds",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CalendarFeeds_UserId",
                table: "CalendarFeeds",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_MeetingPerson_PersonId",
                table: "MeetingPerson",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Meetings_CompanyId",
                table: "Meetings",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_Meetings_StartsAtUtc_EndsAtUtc",
                table: "Meetings",
                columns: new[] { "StartsAtUtc", "EndsAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_MeetingTeamMember_TeamMemberId",
                table: "MeetingTeamMember",
                column: "TeamMemberId");

            migrationBuilder.CreateIndex(
                name: "IX_PresentationPresenter_TeamMemberId",
                table: "PresentationPresenter",
                column: "TeamMemberId");

            migrationBuilder.CreateIndex(
                name: "IX_PresentationRequests_CompanyId",
                table: "PresentationRequests",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_PresentationRequests_StartsAtUtc_EndsAtUtc",
                table: "PresentationRequests",
                columns: new[] { "StartsAtUtc", "EndsAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_PresentationRequests_Status_CreatedAtUtc",
                table: "PresentationRequests",
                columns: new[] { "Status", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_TeamStays_TeamMemberId_FromUtc",
                table: "TeamStays",
                columns: new[] { "TeamMemberId", "FromUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_TourStopAttendees_TeamMemberId",
                table: "TourStopAttendees",
                column: "TeamMemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalendarFeeds");

            migrationBuilder.DropTable(
                name: "MeetingPerson");

            migrationBuilder.DropTable(
                name: "MeetingTeamMember");

            migrationBuilder.DropTable(
                name: "PresentationPresenter");

            migrationBuilder.DropTable(
                name: "TeamStays");

            migrationBuilder.DropTable(
                name: "TourStopAttendees");

            migrationBuilder.DropTable(
                name: "Meetings");

            migrationBuilder.DropTable(
                name: "PresentationRequests");
        }
    }
}
