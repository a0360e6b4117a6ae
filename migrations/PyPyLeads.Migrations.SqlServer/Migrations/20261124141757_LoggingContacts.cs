using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class LoggingContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Companies_DeletedAtUtc_Name_Id",
                table: "Companies");

            migrationBuilder.CreateTable(
                name: "CompanySearchTerms",
                columns: table => new
                {
                    CompanyId = table.Column<int>(type: "int", nullable: false),
                    Term = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CompanySearchTerms", x => new { x.Term, x.CompanyId });
                    table.ForeignKey(
                        name: "FK_CompanySearchTerms_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CsvImports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    FileName = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: false),
                    Content = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    UploadedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    UploadedByName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    UploadedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    State = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    TotalRows = table.Column<int>(type: "int", nullable: false),
                    ProcessedRows = table.Column<int>(type: "int", nullable: false),
                    CompaniesCreated = table.Column<int>(type: "int", nullable: false),
                    CompaniesMatched = table.Column<int>(type: "int", nullable: false),
                    PeopleCreated = table.Column<int>(type: "int", nullable: false),
                    PeopleMatched = table.Column<int>(type: "int", nullable: false),
                    RowsSkipped = table.Column<int>(type: "int", nullable: false),
                    ClaimToken = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ClaimedUntilUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    FinishedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Error = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CsvImports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Encounters",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CompanyId = table.Column<int>(type: "int", nullable: false),
                    PersonId = table.Column<int>(type: "int", nullable: true),
                    TourStopId = table.Column<int>(type: "int", nullable: true),
                    MetAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Interests = table.Column<int>(type: "int", nullable: false),
                    Note = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    CreatedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Encounters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Encounters_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Encounters_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Encounters_TourStops_TourStopId",
                        column: x => x.TourStopId,
                        principalTable: "TourStops",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EncounterAttendees",
                columns: table => new
                {
                    EncounterId = table.Column<int>(type: "int", nullable: false),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EncounterAttendees", x => new { x.EncounterId, x.UserId });
                    table.ForeignKey(
                        name: "FK_EncounterAttendees_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EncounterAttendees_Encounters_EncounterId",
                        column: x => x.EncounterId,
                        principalTable: "Encounters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_People_CompanyId_Name",
                table: "People",
                columns: new[] { "CompanyId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_Companies_CreatedAtUtc_Id",
                table: "Companies",
                columns: new[] { "CreatedAtUtc", "Id" },
                filter: "DeletedAtUtc IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Companies_DeletedAtUtc",
                table: "Companies",
                column: "DeletedAtUtc",
                filter: "DeletedAtUtc IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CompanySearchTerms_CompanyId",
                table: "CompanySearchTerms",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_CsvImports_UploadedAtUtc",
                table: "CsvImports",
                column: "UploadedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_EncounterAttendees_UserId",
                table: "EncounterAttendees",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Encounters_CompanyId_MetAtUtc",
                table: "Encounters",
                columns: new[] { "CompanyId", "MetAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Encounters_PersonId",
                table: "Encounters",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Encounters_TourStopId_CompanyId",
                table: "Encounters",
                columns: new[] { "TourStopId", "CompanyId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CompanySearchTerms");

            migrationBuilder.DropTable(
                name: "CsvImports");

            migrationBuilder.DropTable(
                name: "EncounterAttendees");

            migrationBuilder.DropTable(
                name: "Encounters");

            migrationBuilder.DropIndex(
                name: "IX_People_CompanyId_Name",
                table: "People");

            migrationBuilder.DropIndex(
                name: "IX_Companies_CreatedAtUtc_Id",
                table: "Companies");

            migrationBuilder.DropIndex(
                name: "IX_Companies_DeletedAtUtc",
                table: "Companies");

            migrationBuilder.CreateIndex(
                name: "IX_Companies_DeletedAtUtc_Name_Id",
                table: "Companies",
                columns: new[] { "DeletedAtUtc", "Name", "Id" });
        }
    }
}
